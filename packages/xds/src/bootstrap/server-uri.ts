// gRPC target strings as bootstraps write `server_uri`: `unix:///path`, `unix:path`, `dns:///host:port`,
// `ipv4:1.2.3.4:port`, `ipv6:[::1]:port`, or a bare `host[:port]`. The port defaults to 443, as in
// gRPC's DNS resolver.

export type ServerAddress =
  | { readonly kind: "unix"; readonly path: string }
  | { readonly kind: "tcp"; readonly host: string; readonly port: number };

const DEFAULT_PORT = 443;

function hostPort(text: string): ServerAddress | string {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close === -1) return "unterminated [ in IPv6 address";
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return `unexpected ${JSON.stringify(rest)} after ]`;
    portText = rest === "" ? undefined : rest.slice(1);
  } else {
    const colon = text.lastIndexOf(":");
    // More than one colon without brackets is a bare IPv6 address.
    if (colon !== -1 && text.indexOf(":") === colon) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    } else {
      host = text;
    }
  }
  if (host === "") return "missing host";
  if (portText === undefined) return { kind: "tcp", host, port: DEFAULT_PORT };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) return `${JSON.stringify(portText)} is not a port`;
  return { kind: "tcp", host, port };
}

/** The address to dial, or a message saying why the URI is not understood. */
export function parseServerUri(uri: string): ServerAddress | string {
  if (uri.startsWith("unix://")) {
    const path = uri.slice("unix://".length);
    return path.startsWith("/") ? { kind: "unix", path } : "unix:// needs an absolute path (unix:///path)";
  }
  if (uri.startsWith("unix:")) {
    const path = uri.slice("unix:".length);
    return path === "" ? "missing socket path" : { kind: "unix", path };
  }
  if (uri.startsWith("dns:")) {
    // dns:[//authority/]host[:port] -- the DNS server authority is not supported, so it must be empty.
    const rest = uri.slice("dns:".length);
    if (rest.startsWith("//")) {
      const slash = rest.indexOf("/", 2);
      if (slash === -1) return "dns:// needs a path (dns:///host:port)";
      if (slash !== 2) return "a DNS authority in dns://authority/ is not supported";
      return hostPort(rest.slice(slash + 1));
    }
    return hostPort(rest);
  }
  if (uri.startsWith("ipv4:") || uri.startsWith("ipv6:")) return hostPort(uri.slice(5));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return `unsupported scheme in ${JSON.stringify(uri)}`;
  return hostPort(uri);
}
