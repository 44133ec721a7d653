import type http from "node:http";
import type http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";
import type { TlsAcceptance } from "./admission.js";

/**
 * One port for HTTP/1.1 and HTTP/2. Node's servers cannot share a cleartext port (nodejs/node#26795),
 * so we accept the socket ourselves and look at its first bytes: the HTTP/2 connection preface starts
 * with "PRI", no HTTP/1.x method does. For TLS, ALPN decides instead.
 *
 * The first chunk is put back with unshift(): node:http reads it as 'data', and Http2Session replays a
 * socket's buffered bytes into nghttp2 when it is created (nodejs/node#34532), which is why the socket
 * must stay paused for HTTP/2 and be resumed for HTTP/1.1.
 */
export function createListener(
  h1: http.Server,
  h2: http2.Http2Server,
  tlsOptions: tls.TlsOptions | undefined,
  onSocketError: (e: Error) => void,
  /**
   * Admission's connection check: false closes the connection before a byte is read or written; a
   * TlsAcceptance makes it TLS first (plaintext listener only).
   */
  accept?: (socket: net.Socket) => boolean | TlsAcceptance,
): net.Server {
  if (tlsOptions !== undefined) {
    const server = tls.createServer({ ...tlsOptions, ALPNProtocols: ["h2", "http/1.1"] }, (socket) => {
      socket.on("error", onSocketError);
      if (socket.alpnProtocol === "h2") h2.emit("connection", socket);
      else h1.emit("connection", socket);
    });
    if (accept !== undefined) refuseUnaccepted(server, accept, onSocketError);
    return server;
  }
  const handshake = accept === undefined ? undefined : tlsHandshaker(h1, h2, onSocketError);
  return net.createServer({ noDelay: true }, (socket) => {
    socket.on("error", onSocketError);
    if (accept !== undefined) {
      const verdict = accept(socket);
      if (verdict !== true) {
        if (verdict === false) socket.destroy();
        else handshake?.(socket, verdict);
        return;
      }
    }
    let first: Buffer | undefined;
    const onData = (chunk: Buffer) => {
      first = first === undefined ? chunk : Buffer.concat([first, chunk]);
      // "PRI" needs three bytes; a shorter first read that could still be the preface waits for more.
      if (first.length < 3 && "PRI".startsWith(first.toString("latin1"))) return;
      socket.off("data", onData);
      socket.pause();
      socket.unshift(first);
      if (first[0] === 0x50 && first[1] === 0x52 && first[2] === 0x49) {
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
  });
}

/**
 * TLS chosen per connection by admission (xDS mTLS): one tls.Server per TlsAcceptance, never
 * listening, does the handshake; after it, ALPN picks HTTP/2 or HTTP/1.1 as on a TLS port.
 */
function tlsHandshaker(
  h1: http.Server,
  h2: http2.Http2Server,
  onSocketError: (e: Error) => void,
): (socket: net.Socket, acceptance: TlsAcceptance) => void {
  const servers = new WeakMap<TlsAcceptance, tls.Server>();
  return (socket, a) => {
    let server = servers.get(a);
    if (server === undefined) {
      try {
        server = tlsServerFor(a, h1, h2, onSocketError);
      } catch (e) {
        // Settings Node cannot use (a key that does not parse): this connection fails, the server lives.
        a.onRefused?.(`cannot set up TLS: ${(e as Error).message}`, socket);
        socket.destroy();
        return;
      }
      servers.set(a, server);
    }
    server.emit("connection", socket);
  };
}

function tlsServerFor(
  a: TlsAcceptance,
  h1: http.Server,
  h2: http2.Http2Server,
  onSocketError: (e: Error) => void,
): tls.Server {
  const server = tls.createServer({ ALPNProtocols: ["h2", "http/1.1"], ...a.options }, (secure) => {
    secure.on("error", onSocketError);
    const refused = a.verify?.(secure);
    if (refused !== undefined) {
      a.onRefused?.(refused, secure);
      secure.destroy();
      return;
    }
    if (secure.alpnProtocol === "h2") h2.emit("connection", secure);
    else h1.emit("connection", secure);
  });
  server.on("tlsClientError", (e, s) => a.onRefused?.(`TLS handshake failed: ${e.message}`, s));
  return server;
}

/** TLS: the raw socket is checked before the handshake (tls.Server wraps it on its own 'connection'). */
function refuseUnaccepted(
  server: tls.Server,
  accept: (socket: net.Socket) => boolean | TlsAcceptance,
  onSocketError: (e: Error) => void,
): void {
  server.prependListener("connection", (socket: net.Socket) => {
    if (accept(socket)) return;
    socket.on("error", onSocketError);
    socket.destroy();
  });
}
