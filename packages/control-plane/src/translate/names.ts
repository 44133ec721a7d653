// Resource names as istiod gives them to proxyless gRPC clients: clusters (and the route configs and
// EDS assignments named after them) `outbound|<port>|<subset>|<host>`, listeners named by the target
// authority `host[:port]`, server listeners `xds.istio.io/grpc/lds/inbound/<ip>:<port>`.

export interface ClusterName {
  readonly port: number;
  readonly subset: string;
  readonly host: string;
}

export function clusterName(port: number, subset: string, host: string): string {
  return `outbound|${port}|${subset}|${host}`;
}

/** Names repeat across thousands of clients and every push: parse each once. */
const parsed = new Map<string, ClusterName | null>();

export function parseClusterName(name: string): ClusterName | undefined {
  const hit = parsed.get(name);
  if (hit !== undefined) return hit ?? undefined;
  const result = parseClusterNameUncached(name);
  if (parsed.size > 200_000) parsed.clear();
  parsed.set(name, result ?? null);
  return result;
}

function parseClusterNameUncached(name: string): ClusterName | undefined {
  const parts = name.split("|");
  if (parts.length !== 4 || parts[0] !== "outbound") return undefined;
  const port = Number(parts[1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535 || parts[3] === "") return undefined;
  return { port, subset: parts[2], host: parts[3] };
}

/** The route configuration of an outbound listener: istiod names it like the subset-less cluster. */
export function routeConfigName(port: number, host: string): string {
  return clusterName(port, "", host);
}

export const INBOUND_LISTENER_PREFIX = "xds.istio.io/grpc/lds/inbound/";

/** `host:port`, `[v6]:port` or a bare host; undefined port when not given. */
export function parseAuthority(name: string): { host: string; port?: number } | undefined {
  if (name === "") return undefined;
  if (name.startsWith("[")) {
    const end = name.indexOf("]");
    if (end < 0) return undefined;
    const host = name.slice(1, end);
    const rest = name.slice(end + 1);
    if (rest === "") return { host };
    const port = Number(rest.slice(1));
    return rest.startsWith(":") && Number.isInteger(port) && port > 0 && port < 65536
      ? { host, port }
      : undefined;
  }
  const i = name.lastIndexOf(":");
  if (i < 0) return { host: name };
  const port = Number(name.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: name.slice(0, i), port };
}

/** `xds.istio.io/grpc/lds/inbound/<ip>:<port>` (any server_listener_resource_name_template prefix). */
export function parseInboundListenerName(name: string): { address: string; port: number } | undefined {
  const i = name.lastIndexOf("/");
  if (!name.startsWith("xds.") || i < 0 || !name.slice(0, i + 1).endsWith("/lds/inbound/")) return undefined;
  const a = parseAuthority(name.slice(i + 1));
  return a?.port === undefined ? undefined : { address: a.host, port: a.port };
}
