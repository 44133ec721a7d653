import type { Endpoint } from "../discovery/endpoint.js";
import { parseEndpointUrl } from "../discovery/endpoint-url.js";

/**
 * Parses a client `target`: `tri://10.0.0.1:50051,10.0.0.2:50051` (direct addresses, Dubbo's
 * reference `url`), `dns:///greeter.demo.svc.cluster.local:50051` (one host name, resolved when the
 * connection opens; in proxy mode the sidecar picks the instance) or a bare `host:port`.
 */
export function parseTarget(target: string): Endpoint[] {
  const t = target.trim();
  if (t.startsWith("dns:")) {
    const rest = t.replace(/^dns:(\/\/[^/]*)?\/?/, "");
    if (rest === "") throw new TypeError(`invalid target "${target}": expected dns:///host:port`);
    return [parseEndpointUrl(`tri://${rest}`)];
  }
  if (t.startsWith("xds:")) {
    throw new TypeError(
      `target "${target}" needs the proxyless mesh mode (xDS), which this app is not configured for`,
    );
  }
  const parts = t
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
  if (parts.length === 0) throw new TypeError(`invalid target "${target}": no address`);
  return parts.map((p) => parseEndpointUrl(p));
}
