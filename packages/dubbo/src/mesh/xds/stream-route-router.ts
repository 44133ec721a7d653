// Streaming calls do not go through cluster strategies (see the README), so for them the xDS route
// match and cluster pick run here, as a router narrowing the host's endpoints to the picked cluster's.
// Unary calls pass untouched: XdsClusterStrategy routes them, once per call, for all their attempts.
import type { Invocation } from "../../client/invocation.js";
import type { Invoker } from "../../directory/invoker.js";
import type { Router } from "../../router/router.js";
import type { MeshTarget } from "./mesh-target.js";
import { callAttributes, pickCluster, selectRoute } from "./route-selection.js";

export class StreamRouteRouter implements Router {
  readonly name = "xds-stream-route";

  constructor(
    private readonly target: MeshTarget,
    private readonly random: () => number,
  ) {}

  route(invokers: readonly Invoker[], inv: Invocation): readonly Invoker[] {
    if (inv.kind === "unary") return invokers;
    const state = this.target.state;
    if (!state.ok) return [];
    const route = selectRoute(state.config.routes, callAttributes(inv, this.random));
    const action = route?.action;
    if (action === undefined || (action.kind !== "cluster" && action.kind !== "weighted_clusters")) return [];
    const ce = state.clusters.get(pickCluster(action, this.random).name);
    if (ce === undefined || !ce.ok) return [];
    const keys = new Set(ce.keys);
    return invokers.filter((i) => keys.has(i.key));
  }
}
