// Admission: a hook for servers whose rules come from elsewhere (the SDK's xDS-enabled server: filter
// chains per connection, RBAC and routes per call). It sees each accepted connection before a byte is
// read or written, and each call before it is routed, with both ends of the connection. Everything
// here runs only when the hook is set: the server's ordinary path neither calls nor allocates for it.
import type { X509Certificate } from "node:crypto";
import type http from "node:http";
import type http2 from "node:http2";
import type { Socket } from "node:net";
import type { TLSSocket, TlsOptions } from "node:tls";
import type { RawHeaders } from "../metadata/metadata.js";
import type { RpcError } from "../protocol/rpc-error.js";

/** One connection as admission sees it; the same object for every call on the connection. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** The connection is TLS. */
  readonly encrypted: boolean;
  /** The certificate the TLS peer presented; undefined for plaintext or when it sent none. */
  peerCertificate(): X509Certificate | undefined;
}

export interface AdmissionCall {
  /** `/<service>/<method>` (an HTTP/1.1 request's target, query string included). */
  readonly path: string;
  /** The request headers as received: HTTP/2 pseudo-headers included; HTTP/1.1 has `host`. */
  readonly headers: RawHeaders;
  readonly connection: ConnectionInfo;
}

/**
 * accept()'s answer for a connection that must first complete a TLS handshake with these settings
 * (an xDS filter chain with a DownstreamTlsContext), on a server that is not TLS itself.
 */
export interface TlsAcceptance {
  /**
   * tls.createServer options (key, cert, ca, requestCert, ...). Connections answered with the same
   * TlsAcceptance share one TLS context: make a new one only when the certificates change.
   */
  readonly options: TlsOptions;
  /** After the handshake, before HTTP: a reason refuses (closes) the connection. */
  verify?(socket: TLSSocket): string | undefined;
  /** The handshake failed or verify refused the client: what happened, for logs. */
  onRefused?(reason: string, socket: Socket): void;
}

export interface ServerAdmission {
  /**
   * An accepted TCP connection, before any byte is read or written (for TLS: before the handshake).
   * false closes it at once; a TlsAcceptance serves it over TLS (a plaintext server only).
   */
  accept?(socket: Socket): boolean | TlsAcceptance;
  /** Each call before routing; an RpcError fails the call with it (gRPC status, or Triple's HTTP error). */
  admit(call: AdmissionCall): RpcError | undefined;
}

type SocketLike = Pick<Socket, "remoteAddress" | "remotePort" | "localAddress" | "localPort"> &
  Partial<Pick<TLSSocket, "encrypted" | "getPeerX509Certificate">>;

function connectionInfo(socket: SocketLike): ConnectionInfo {
  const encrypted = socket.encrypted === true;
  return {
    remoteAddress: socket.remoteAddress ?? "",
    remotePort: socket.remotePort ?? 0,
    localAddress: socket.localAddress ?? "",
    localPort: socket.localPort ?? 0,
    encrypted,
    peerCertificate: () => (encrypted ? socket.getPeerX509Certificate?.() : undefined),
  };
}

/** Connection infos, one per HTTP/2 session or HTTP/1.1 socket, made on the first call. */
export class ConnectionInfos {
  private readonly byKey = new WeakMap<object, ConnectionInfo>();

  ofSession(session: http2.Http2Session | undefined): ConnectionInfo {
    if (session === undefined) return connectionInfo({} as SocketLike);
    let info = this.byKey.get(session);
    if (info === undefined) {
      // session.socket is a proxy that forwards reads (addresses, getPeerX509Certificate) to the socket.
      info = connectionInfo(session.socket as unknown as SocketLike);
      this.byKey.set(session, info);
    }
    return info;
  }

  ofRequest(req: http.IncomingMessage): ConnectionInfo {
    let info = this.byKey.get(req.socket);
    if (info === undefined) {
      info = connectionInfo(req.socket as SocketLike);
      this.byKey.set(req.socket, info);
    }
    return info;
  }
}
