// Outbound route configurations (`outbound|<port>||<host>`): one virtual host for the service whose
// domains are every name a client may dial -- with and without the port, since grpc-js-xds matches the
// authority with its port and waits forever when it finds no virtual host -- and routes from the
// VirtualService that governs the host, else from Dubbo rules, else one default route.
import { create } from "@bufbuild/protobuf";
import type { HttpRoute } from "../config/kinds/virtual-service.js";
import type { ConfigResource } from "../config/resource.js";
import { type RouteConfiguration, RouteConfigurationSchema } from "../envoy/gen.js";
import { hostAliases } from "../registry/host-names.js";
import type { ClientIdentity } from "../registry/node-metadata.js";
import { dubboRoutes } from "./dubbo/dubbo-routes.js";
import type { RouteInit } from "./init-types.js";
import type { MeshView } from "./mesh-view.js";
import { parseClusterName } from "./names.js";
import {
  destinationAction,
  faultPerFilter,
  type ResolvedDestination,
  resolveDestination,
  retryPolicy,
  rewrites,
  timeouts,
} from "./route-action.js";
import { routeMatch } from "./route-match.js";

export function virtualHostDomains(
  host: string,
  port: number,
  clientNamespace: string,
  domain: string,
): string[] {
  return hostAliases(host, clientNamespace, domain).flatMap((h) => [h, `${h}:${port}`]);
}

function labelsMatch(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** Weights as written; when none is given they split evenly (Istio requires them for several destinations). */
function weights(route: HttpRoute): number[] {
  const given = route.route.map((d) => d.weight);
  if (given.every((w) => w === undefined)) {
    const n = route.route.length;
    return given.map((_, i) => Math.floor(100 / n) + (i < 100 % n ? 1 : 0));
  }
  return given.map((w) => w ?? 0);
}

export function virtualServiceRoutes(
  view: MeshView,
  vs: ConfigResource<"VirtualService">,
  target: { host: string; port: number },
  node: ClientIdentity,
): RouteInit[] {
  const out: RouteInit[] = [];
  vs.spec.http.forEach((r, ri) => {
    if (r.route.length === 0) return; // redirect/directResponse/delegate: not for gRPC
    const w = weights(r);
    const dests: ResolvedDestination[] = [];
    r.route.forEach((d, i) => {
      if (w[i] > 0 || r.route.length === 1)
        dests.push(
          resolveDestination(
            view,
            d.destination,
            vs.metadata.namespace,
            target,
            r.route.length === 1 ? 100 : w[i],
          ),
        );
    });
    if (dests.length === 0) return;
    const action = {
      ...destinationAction(view, dests),
      ...timeouts(r.timeoutMs),
      ...rewrites(r.rewrite),
    };
    const retry = retryPolicy(r.retries);
    if (retry !== undefined) action.retryPolicy = retry;
    const perFilter = faultPerFilter(r.fault);
    const matches = r.match.length === 0 ? [undefined] : r.match;
    matches.forEach((m, mi) => {
      // Matches on the client (port, source labels/namespace) are decided here, per client.
      if (m?.port !== undefined && m.port !== target.port) return;
      if (m?.sourceLabels !== undefined && !labelsMatch(m.sourceLabels, node.labels)) return;
      if (m?.sourceNamespace !== undefined && m.sourceNamespace !== node.namespace) return;
      const name = [r.name ?? `route-${ri}`, m?.name].filter((x) => x !== undefined).join(".");
      out.push({
        name: matches.length > 1 && m?.name === undefined ? `${name}.${mi}` : name,
        match: routeMatch(m),
        action: { case: "route", value: action },
        ...(perFilter === undefined ? {} : { typedPerFilterConfig: perFilter }),
      });
    });
  });
  return out;
}

export function routeConfiguration(
  view: MeshView,
  name: string,
  node: ClientIdentity,
): RouteConfiguration | undefined {
  const c = parseClusterName(name);
  if (c === undefined || c.subset !== "") return undefined;
  const svc = view.service(c.host);
  if (svc === undefined || !svc.ports.some((p) => p.port === c.port)) return undefined;
  const target = { host: c.host, port: c.port };
  const vs = view.virtualServiceFor(c.host, node.namespace);
  let routes: RouteInit[];
  if (vs !== undefined) routes = virtualServiceRoutes(view, vs, target, node);
  else routes = dubboRoutes(view, target, node);
  return create(RouteConfigurationSchema, {
    name,
    virtualHosts: [
      {
        name: `${c.host}:${c.port}`,
        domains: virtualHostDomains(c.host, c.port, node.namespace, view.options.domain),
        routes,
      },
    ],
    validateClusters: false,
  });
}
