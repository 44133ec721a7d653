// What the RBAC engine (A41) sees of one call: the method path, the request headers as gRPC presents
// them, both ends of the connection, and who the peer proved to be over TLS.

/** The identity a TLS peer presented (its certificate), as A41's `authenticated` principal reads it. */
export interface PeerIdentity {
  /** SubjectAltName entries of type URI (SPIFFE ids in a mesh), in certificate order. */
  readonly uriSans: readonly string[];
  /** SubjectAltName entries of type DNS. */
  readonly dnsSans: readonly string[];
  /** The subject as an RFC 2253 string (`CN=a,O=b`); undefined when the peer sent no certificate. */
  readonly subject?: string;
}

export interface RbacRequest {
  /** `/pkg.Service/Method`, without a query string. */
  readonly path: string;
  /**
   * A request header by lower-case name, multiple values joined with ","; pseudo-headers `:method`,
   * `:path`, `:authority` included, `host` an alias of `:authority`, `te` never visible
   * (see rbacHeaderLookup).
   */
  header(name: string): string | undefined;
  /** The peer (source) address of the connection, an IP literal (IPv4-mapped IPv6 shown as IPv4). */
  readonly sourceIp: string;
  readonly sourcePort: number;
  /** The local (destination) address of the connection. */
  readonly destinationIp: string;
  readonly destinationPort: number;
  /** Undefined: plaintext connection. A TLS connection without a client certificate has empty lists. */
  readonly peer?: PeerIdentity;
}

/** `::ffff:10.0.0.1` -> `10.0.0.1`: a dual-stack socket reports IPv4 peers that way. */
export function unmapIpv4(address: string): string {
  return address.length > 7 && address.startsWith("::ffff:") && address.includes(".")
    ? address.slice(7)
    : address;
}
