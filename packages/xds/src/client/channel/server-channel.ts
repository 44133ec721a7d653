// Dialling the xDS server of a bootstrap entry over our Triple client: `insecure` -> h2c, `tls` (A65)
// -> TLS with the bootstrap's CA / certificate / key files, unix sockets for istio-agent's
// `unix:///etc/istio/proxy/XDS`. We open the socket ourselves (http2's createConnection hook) for two
// reasons: the session pool knows only http(s)://host:port, and the client must learn when the
// connection is up, because does-not-exist timers only run while it is (gRFC A57).
import { readFile } from "node:fs/promises";
import net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { createTransport, type Transport } from "@dubbo-mesh/triple";
import { parseServerUri, type ServerAddress } from "../../bootstrap/server-uri.js";
import type { XdsServerConfig } from "../../bootstrap/types.js";
import { callCredentialHeaders } from "./call-credentials.js";

export interface ServerChannel {
  readonly transport: Transport;
  /** Headers for the next stream (call credentials). */
  readonly headers: Record<string, string>;
  /** A readable name for logs: the server URI. */
  readonly target: string;
}

export interface ServerChannelHooks {
  /** The TCP (or TLS) connection is established. */
  onConnected(): void;
}

interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

async function tlsMaterial(server: XdsServerConfig): Promise<TlsMaterial> {
  const creds = server.channelCredentials;
  if (creds.type !== "tls") return {};
  // Read at every connection attempt: cheaper than a file watcher and picks up rotated certificates
  // at the next reconnect (refresh_interval is an upper bound on staleness in A65, not a schedule).
  const read = (path: string | undefined) => (path === undefined ? undefined : readFile(path));
  const [ca, cert, key] = await Promise.all([
    read(creds.caCertificateFile),
    read(creds.certificateFile),
    read(creds.privateKeyFile),
  ]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
  };
}

function isLocal(address: ServerAddress): boolean {
  if (address.kind === "unix") return true;
  const host = address.host.toLowerCase();
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

function baseUrlFor(address: ServerAddress, secure: boolean): string {
  const scheme = secure ? "https" : "http";
  if (address.kind === "unix") return `${scheme}://localhost`;
  const host = net.isIPv6(address.host) ? `[${address.host}]` : address.host;
  return `${scheme}://${host}:${address.port}`;
}

/**
 * A transport to the server, with call-credential headers read for this stream. Throws (to be retried
 * with backoff) when the URI is not understood or a credential file cannot be read.
 */
export async function openServerChannel(
  server: XdsServerConfig,
  hooks: ServerChannelHooks,
): Promise<ServerChannel> {
  const address = parseServerUri(server.serverUri);
  if (typeof address === "string") throw new Error(`server_uri ${server.serverUri}: ${address}`);
  const secure = server.channelCredentials.type === "tls";
  // gRPC refuses to send call credentials over an insecure channel; a local socket cannot be sniffed.
  if (server.callCredentials.length > 0 && !secure && !isLocal(address)) {
    throw new Error(
      `call_creds need tls channel_creds to send a token to ${server.serverUri} (A97); refusing to send it in cleartext`,
    );
  }
  const [material, headers] = await Promise.all([
    tlsMaterial(server),
    callCredentialHeaders(server.callCredentials),
  ]);
  const createConnection = (): Duplex => {
    const where =
      address.kind === "unix" ? { path: address.path } : { host: address.host, port: address.port };
    if (!secure) {
      const socket = net.connect(where);
      socket.once("connect", () => hooks.onConnected());
      return socket;
    }
    const servername =
      address.kind === "tcp" && net.isIP(address.host) === 0 ? { servername: address.host } : {};
    const socket = tls.connect({ ...where, ...servername, ...material, ALPNProtocols: ["h2"] });
    socket.once("secureConnect", () => hooks.onConnected());
    return socket;
  };
  const transport = createTransport({
    baseUrl: baseUrlFor(address, secure),
    tls: { createConnection },
    userAgent: "dubbo-mesh-xds",
  });
  return { transport, headers, target: server.serverUri };
}
