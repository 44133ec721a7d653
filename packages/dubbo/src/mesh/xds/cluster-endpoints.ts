// Where a cluster's calls may go right now: for each cluster a target's routes name, the leaf cluster
// (an aggregate's first child with usable endpoints) and the endpoints of its most preferred priority
// that has usable ones (A27 priority failover), computed once per configuration, not per call; with
// the leaf's EDS drop policy and its outlier detector, so that calls find them without a lookup.
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
      /** Keys (`tri://host:port`) of the usable endpoints of the chosen priority. */
      readonly keys: readonly string[];
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

/** The first leaf and priority with usable endpoints, or why there is none. */
function pick(
  name: string,
  leaves: readonly LeafCluster[],
): { leaf: LeafCluster; endpoints: Endpoint[] } | string {
  for (const leaf of leaves) {
    if (leaf.endpointsState !== "ok") continue;
    for (const priority of leaf.priorities) {
      const endpoints = endpointsOf(leaf, priority);
      if (endpoints.length > 0) return { leaf, endpoints };
    }
  }
  const states = leaves.map((l) => `${l.name}: ${l.endpointsState}`).join(", ");
  return `cluster ${name} has no usable endpoint (${states || "no leaf cluster"})`;
}

/** Gives the outlier detector of a leaf cluster over the endpoints its calls may use, if it has one. */
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
    const keys: string[] = [];
    for (const e of chosen.endpoints) {
      const key = endpointKey(e);
      keys.push(key);
      if (!all.has(key)) all.set(key, e);
    }
    const leaf = chosen.leaf;
    const drops = leaf.endpoints?.dropOverloads;
    clusters.set(name, {
      ok: true,
      name,
      cluster: leaf.cluster,
      keys,
      drops: drops === undefined || drops.length === 0 ? NO_DROPS : drops,
      outlier: attachOutliers?.(leaf.cluster, keys),
    });
  }
  return { clusters, endpoints: [...all.values()] };
}
