// Where a cluster's calls may go right now: for each cluster a target's routes name, the leaf cluster
// (an aggregate's first child with usable endpoints) and the endpoints of its most preferred priority
// that has usable ones (A27 priority failover), computed once per configuration, not per call; with
// the leaf's EDS drop policy and its outlier detector, so that calls find them without a lookup.
//
// A leaf with outlier detection also keeps its lower priorities that have usable endpoints: in gRPC
// outlier detection sits below the priority policy (A50), so a priority whose endpoints are all ejected
// is in TRANSIENT_FAILURE and calls fail over to the next one, and come back once an endpoint returns.
// The strategy makes that choice per pick; the detector counts over the endpoints of all of them.
// Without outlier detection nothing can take a priority's usable endpoints away between EDS updates,
// so only the chosen priority is kept (and only its endpoints reach the directory).
import type {
  DropOverloadConfig,
  LeafCluster,
  LocalityEndpointsConfig,
  TargetConfig,
  ValidatedCluster,
} from "@dubbo-mesh/xds";
import type { Endpoint } from "../../discovery/endpoint.js";
import { endpointKey } from "../../discovery/endpoint.js";
import type { ClusterOutlierDetector } from "./outlier-detection.js";

export type ClusterEndpoints =
  | {
      readonly ok: true;
      readonly name: string;
      /** The leaf cluster calls go to (its lb policy and circuit breaker apply). */
      readonly cluster: ValidatedCluster;
      /**
       * Keys (`tri://host:port`) of the usable endpoints per priority, most preferred first, starting at
       * the chosen one and leaving out priorities with none: only the chosen one without outlier
       * detection; with it, every later one too, for failover while the earlier ones are all ejected.
       */
      readonly priorities: readonly (readonly string[])[];
      /** The leaf's ClusterLoadAssignment drop_overloads, in order (usually none). */
      readonly drops: readonly DropOverloadConfig[];
      /** The leaf's outlier detector; undefined when the cluster has no outlier detection. */
      readonly outlier: ClusterOutlierDetector | undefined;
    }
  | { readonly ok: false; readonly name: string; readonly reason: string };

/** The usable endpoints of one priority, as SDK endpoints (the directory makes invokers of them). */
function endpointsOf(leaf: LeafCluster, priority: readonly LocalityEndpointsConfig[]): Endpoint[] {
  const out: Endpoint[] = [];
  for (const locality of priority) {
    for (const e of locality.endpoints) {
      if (!e.usable) continue;
      out.push({
        host: e.address.host,
        port: e.address.port,
        protocol: "tri",
        // Locality weight x endpoint weight: the SDK's weighted balancers then honour both.
        weight: Math.max(1, locality.weight * e.weight),
        metadata: {
          "xds.cluster": leaf.name,
          "xds.locality": `${locality.locality.region}/${locality.locality.zone}/${locality.locality.subZone}`,
          "xds.health": e.health,
        },
      });
    }
  }
  return out;
}

/** The first leaf with usable endpoints and its priorities that have some, or why there is none. */
function pick(
  name: string,
  leaves: readonly LeafCluster[],
): { leaf: LeafCluster; priorities: Endpoint[][] } | string {
  for (const leaf of leaves) {
    if (leaf.endpointsState !== "ok") continue;
    const priorities: Endpoint[][] = [];
    for (const priority of leaf.priorities) {
      const endpoints = endpointsOf(leaf, priority);
      if (endpoints.length > 0) priorities.push(endpoints);
    }
    if (priorities.length > 0) return { leaf, priorities };
  }
  const states = leaves.map((l) => `${l.name}: ${l.endpointsState}`).join(", ");
  return `cluster ${name} has no usable endpoint (${states || "no leaf cluster"})`;
}

/**
 * Gives the outlier detector of a leaf cluster over the endpoints its calls may use (those of every
 * priority it keeps), if it has one.
 */
export type OutlierAttach = (
  cluster: ValidatedCluster,
  keys: readonly string[],
) => ClusterOutlierDetector | undefined;

const NO_DROPS: readonly DropOverloadConfig[] = [];

/** Per cluster name: where its calls go; plus every endpoint of every cluster (for the directory). */
export function clusterEndpoints(
  config: TargetConfig,
  attachOutliers?: OutlierAttach,
): {
  readonly clusters: ReadonlyMap<string, ClusterEndpoints>;
  readonly endpoints: readonly Endpoint[];
} {
  const clusters = new Map<string, ClusterEndpoints>();
  const all = new Map<string, Endpoint>();
  for (const [name, resolved] of config.clusters) {
    if (!resolved.ok) {
      clusters.set(name, {
        ok: false,
        name,
        reason: `cluster ${name}: ${resolved.reason} (${resolved.message})`,
      });
      continue;
    }
    const chosen = pick(name, resolved.leaves);
    if (typeof chosen === "string") {
      clusters.set(name, { ok: false, name, reason: chosen });
      continue;
    }
    const leaf = chosen.leaf;
    const keyed = chosen.priorities.map((endpoints) => endpoints.map(endpointKey));
    const outlier = attachOutliers?.(leaf.cluster, keyed.flat());
    // Without a detector the later priorities are never used: keep them out of the directory too.
    const kept = outlier === undefined ? 1 : keyed.length;
    for (let p = 0; p < kept; p++) {
      const endpoints = chosen.priorities[p];
      for (let i = 0; i < endpoints.length; i++) {
        const key = keyed[p][i];
        if (!all.has(key)) all.set(key, endpoints[i]);
      }
    }
    const drops = leaf.endpoints?.dropOverloads;
    clusters.set(name, {
      ok: true,
      name,
      cluster: leaf.cluster,
      priorities: kept === keyed.length ? keyed : keyed.slice(0, kept),
      drops: drops === undefined || drops.length === 0 ? NO_DROPS : drops,
      outlier,
    });
  }
  return { clusters, endpoints: [...all.values()] };
}
