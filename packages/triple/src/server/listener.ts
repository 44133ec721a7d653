import type http from "node:http";
import type http2 from "node:http2";
import net from "node:net";
import tls from "node:tls";

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
): net.Server {
  if (tlsOptions !== undefined) {
    return tls.createServer({ ...tlsOptions, ALPNProtocols: ["h2", "http/1.1"] }, (socket) => {
      socket.on("error", onSocketError);
      if (socket.alpnProtocol === "h2") h2.emit("connection", socket);
      else h1.emit("connection", socket);
    });
  }
  return net.createServer({ noDelay: true }, (socket) => {
    socket.on("error", onSocketError);
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
