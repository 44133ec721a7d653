// Outbound (client) listeners: an api_listener whose HttpConnectionManager takes its routes from RDS
// over ADS, with istiod's filter list -- the (empty) fault filter that per-route fault injection
// needs, then the router, which gRPC requires last.
import { create } from "@bufbuild/protobuf";
import {
  HTTPFaultSchema,
  HttpConnectionManagerSchema,
  type Listener,
  ListenerSchema,
  RouterSchema,
} from "../envoy/gen.js";
import { ADS_SOURCE, pack } from "../envoy/pack.js";
import type { ClientIdentity } from "../registry/node-metadata.js";
import type { MeshView } from "./mesh-view.js";
import { parseAuthority, routeConfigName } from "./names.js";

export const FAULT_FILTER = "envoy.filters.http.fault";
export const ROUTER_FILTER = "envoy.filters.http.router";

export function routerFilter() {
  return { name: ROUTER_FILTER, configType: { case: "typedConfig" as const, value: pack(RouterSchema, {}) } };
}

/** The service and port an outbound listener name (`host[:port]`, short names allowed) stands for. */
export function resolveListenerTarget(
  view: MeshView,
  name: string,
  node: ClientIdentity,
): { host: string; port: number } | undefined {
  const a = parseAuthority(name);
  if (a === undefined) return undefined;
  const host = view.resolveHost(a.host, node.namespace);
  const svc = view.service(host);
  if (svc === undefined) return undefined;
  if (a.port !== undefined)
    return svc.ports.some((p) => p.port === a.port) ? { host, port: a.port } : undefined;
  // No port in the target: fine when the service has exactly one.
  return svc.ports.length === 1 ? { host, port: svc.ports[0].port } : undefined;
}

export function outboundListener(view: MeshView, name: string, node: ClientIdentity): Listener | undefined {
  const target = resolveListenerTarget(view, name, node);
  if (target === undefined) return undefined;
  const hcm = pack(HttpConnectionManagerSchema, {
    statPrefix: name,
    routeSpecifier: {
      case: "rds",
      value: { configSource: ADS_SOURCE, routeConfigName: routeConfigName(target.port, target.host) },
    },
    httpFilters: [
      { name: FAULT_FILTER, configType: { case: "typedConfig", value: pack(HTTPFaultSchema, {}) } },
      routerFilter(),
    ],
  });
  return create(ListenerSchema, { name, apiListener: { apiListener: hcm } });
}
