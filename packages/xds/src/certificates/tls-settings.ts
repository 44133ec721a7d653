// Node TLS settings for one xDS TLS configuration (A29), made from the current material of the
// certificate providers it names: a server's filter chain (DownstreamTlsConfig) or a client's
// cluster (UpstreamTlsConfig). A string instead of settings says why there are none (material not
// loaded): A29 fails such connections rather than falling back to plaintext.
import {
  type ConnectionOptions,
  createSecureContext,
  type PeerCertificate,
  type TLSSocket,
  type TlsOptions,
} from "node:tls";
import type {
  CertificateProviderRef,
  DownstreamTlsConfig,
  UpstreamTlsConfig,
} from "../resources/tls/types.js";
import type { CertificateProvider, IdentityCertificate } from "./certificate-provider.js";
import { matchSubjectAltNames, sanMismatchMessage, subjectAltNamesOf } from "./san-matching.js";

export interface ServerTlsSettings {
  /**
   * tls.createServer options: the identity certificate and key, the trust roots and `requestCert`
   * when the chain validates clients. `rejectUnauthorized` is false so that verifyClient decides and
   * can say why; the handshake never admits a call before it did.
   */
  readonly options: TlsOptions;
  readonly requireClientCertificate: boolean;
  /** After the handshake: why this client is refused, or undefined to serve it. */
  verifyClient(socket: TLSSocket): string | undefined;
}

export interface ClientTlsSettings {
  /**
   * tls.connect options: a secure context with our identity (if the cluster names one) and the
   * cluster's trust roots, ALPN h2, the SNI if the cluster sets one, and A29's SAN check in place of
   * the host name check (endpoints are IP addresses; their identity is the SPIFFE id).
   */
  readonly options: ConnectionOptions;
}

export type ProviderLookup = (ref: CertificateProviderRef) => CertificateProvider;

function missing(p: CertificateProvider, what: string): string {
  return `certificate provider ${JSON.stringify(p.name)} has no ${what}${p.problem === undefined ? "" : ` (${p.problem})`}`;
}

function identityOf(p: CertificateProvider): IdentityCertificate | string {
  return p.identity() ?? missing(p, "identity certificate");
}

function rootsOf(p: CertificateProvider): Buffer | string {
  return p.roots() ?? missing(p, "CA certificates");
}

export function serverTlsSettings(
  config: DownstreamTlsConfig,
  lookup: ProviderLookup,
): ServerTlsSettings | string {
  const identity = identityOf(lookup(config.identityCertificate));
  if (typeof identity === "string") return identity;
  let ca: Buffer | undefined;
  if (config.caCertificate !== undefined) {
    const roots = rootsOf(lookup(config.caCertificate));
    if (typeof roots === "string") return roots;
    ca = roots;
  }
  const requireClientCertificate = config.requireClientCertificate;
  const sanMatchers = config.sanMatchers;
  return {
    options: {
      key: identity.privateKey,
      cert: identity.certChain,
      ...(ca === undefined ? {} : { ca, requestCert: true }),
      rejectUnauthorized: false,
    },
    requireClientCertificate,
    verifyClient(socket) {
      if (ca === undefined) return undefined;
      const cert = socket.getPeerX509Certificate();
      if (cert === undefined) return requireClientCertificate ? "the client sent no certificate" : undefined;
      // A certificate that was sent is verified even when none is required (grpc-go's VerifyClientCertIfGiven).
      if (!socket.authorized) {
        return `the client certificate is not trusted (${String(socket.authorizationError ?? "unverified")})`;
      }
      if (sanMatchers.length === 0) return undefined;
      const sans = subjectAltNamesOf(cert.subjectAltName);
      return matchSubjectAltNames(sans, sanMatchers)
        ? undefined
        : sanMismatchMessage("the client certificate", sans, sanMatchers);
    },
  };
}

export function clientTlsSettings(
  config: UpstreamTlsConfig,
  lookup: ProviderLookup,
): ClientTlsSettings | string {
  const roots = rootsOf(lookup(config.caCertificate));
  if (typeof roots === "string") return roots;
  let identity: IdentityCertificate | undefined;
  if (config.identityCertificate !== undefined) {
    const id = identityOf(lookup(config.identityCertificate));
    if (typeof id === "string") return id;
    identity = id;
  }
  const secureContext = createSecureContext({
    ca: roots,
    ...(identity === undefined ? {} : { key: identity.privateKey, cert: identity.certChain }),
  });
  const sanMatchers = config.sanMatchers;
  return {
    options: {
      secureContext,
      ALPNProtocols: ["h2"],
      rejectUnauthorized: true,
      ...(config.sni === "" ? {} : { servername: config.sni }),
      checkServerIdentity: (_host: string, cert: PeerCertificate): Error | undefined => {
        if (sanMatchers.length === 0) return undefined;
        const sans = subjectAltNamesOf(cert.subjectaltname);
        if (matchSubjectAltNames(sans, sanMatchers)) return undefined;
        return new Error(sanMismatchMessage("the server certificate", sans, sanMatchers));
      },
    },
  };
}
