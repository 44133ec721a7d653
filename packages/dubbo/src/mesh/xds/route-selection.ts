// Per call: the first route whose match takes the call (path `/<service>/<method>` and the request
// metadata as headers, A28), then the cluster it sends to (weighted clusters by weight).
import {
  type CallAttributes,
  type FilterOverrides,
  matchRoute,
  type RouteAction,
  type RouteConfig,
} from "@dubbo-mesh/xds";
import type { Invocation } from "../../client/invocation.js";

export type ForwardingAction = Extract<RouteAction, { kind: "cluster" | "weighted_clusters" }>;

export interface ClusterChoice {
  readonly name: string;
  /** typed_per_filter_config of the weighted cluster entry (the most specific override level). */
  readonly filterOverrides: FilterOverrides | undefined;
}

/**
 * gRPC metadata presented as HTTP headers (A28): `-bin` keys are invisible to matchers and
 * `content-type` reads `application/grpc`, whatever the transport actually sends. A class rather than
 * an object literal with a closure: one small allocation on a path every call takes.
 */
class InvocationAttributes implements CallAttributes {
  readonly path: string;

  constructor(
    private readonly inv: Invocation,
    readonly random: () => number,
  ) {
    this.path = `/${inv.service}/${inv.method}`;
  }

  header(name: string): string | undefined {
    if (name.endsWith("-bin")) return undefined;
    if (name === "content-type") return "application/grpc";
    return this.inv.attachment(name);
  }
}

export function callAttributes(inv: Invocation, random: () => number): CallAttributes {
  return new InvocationAttributes(inv, random);
}

export function selectRoute(routes: readonly RouteConfig[], call: CallAttributes): RouteConfig | undefined {
  for (const r of routes) if (matchRoute(r.match, call)) return r;
  return undefined;
}

export function pickCluster(action: ForwardingAction, random: () => number): ClusterChoice {
  if (action.kind === "cluster") return { name: action.cluster, filterOverrides: undefined };
  let n = random() * action.totalWeight;
  for (const c of action.clusters) {
    n -= c.weight;
    if (n < 0) return { name: c.name, filterOverrides: c.filterOverrides };
  }
  const last = action.clusters[action.clusters.length - 1];
  return { name: last.name, filterOverrides: last.filterOverrides };
}
