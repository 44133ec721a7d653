// The CDS/EDS half of the resolver: the clusters the routes name, the children of aggregate clusters
// (A37) and the ClusterLoadAssignments of EDS clusters, each watched exactly while something still
// refers to it. `setRoots` after a route change drops watches that are no longer referenced.
import type { XdsClient } from "../client/xds-client.js";
import type { XdsClientError } from "../client/xds-client-error.js";
import type { ValidatedCluster } from "../resources/cluster/types.js";
import type {
  LocalityEndpointsConfig,
  ValidatedClusterLoadAssignment,
} from "../resources/cluster-load-assignment/types.js";
import type { ResourceKind } from "../resources/resource-type.js";
import type { LeafCluster, ResolvedCluster } from "./target-config.js";

/** A37: aggregate clusters nest at most this deep. */
const MAX_AGGREGATE_DEPTH = 16;

type Slot<V> =
  | { state: "pending" }
  | { state: "ok"; value: V }
  | { state: "does_not_exist" }
  | { state: "error"; message: string };

interface Watched<V> {
  slot: Slot<V>;
  cancel: () => void;
}

export interface ClusterTreeEvents {
  /** Something below the roots changed (or a watch was added or dropped). */
  onChange(): void;
  onError(error: XdsClientError): void;
}

function byPriority(cla: ValidatedClusterLoadAssignment): LocalityEndpointsConfig[][] {
  const out: LocalityEndpointsConfig[][] = Array.from({ length: cla.priorityCount }, () => []);
  for (const l of cla.localities) out[l.priority]?.push(l);
  return out;
}

export class ClusterTree {
  readonly #client: XdsClient;
  readonly #events: ClusterTreeEvents;
  readonly #clusters = new Map<string, Watched<ValidatedCluster>>();
  readonly #assignments = new Map<string, Watched<ValidatedClusterLoadAssignment>>();
  #roots: readonly string[] = [];

  constructor(client: XdsClient, events: ClusterTreeEvents) {
    this.#client = client;
    this.#events = events;
  }

  setRoots(roots: readonly string[]): void {
    this.#roots = [...new Set(roots)];
    this.refresh();
  }

  /** Re-walks the tree from the roots: watches what is newly referenced, drops the rest. */
  refresh(): void {
    const clusters = new Set<string>();
    const services = new Set<string>();
    const walk = (name: string, depth: number, path: readonly string[]) => {
      if (depth > MAX_AGGREGATE_DEPTH || path.includes(name)) return;
      clusters.add(name);
      const slot = this.#watch(this.#clusters, "Cluster", name).slot;
      if (slot.state !== "ok") return;
      const d = slot.value.discovery;
      if (d.kind === "eds") {
        services.add(d.serviceName);
        this.#watch(this.#assignments, "ClusterLoadAssignment", d.serviceName);
      } else if (d.kind === "aggregate") {
        for (const child of d.clusters) walk(child, depth + 1, [...path, name]);
      }
    };
    for (const root of this.#roots) walk(root, 1, []);
    this.#drop(this.#clusters, clusters);
    this.#drop(this.#assignments, services);
  }

  #watch<V>(map: Map<string, Watched<V>>, kind: ResourceKind, name: string): Watched<V> {
    const existing = map.get(name);
    if (existing !== undefined) return existing;
    const w: Watched<V> = { slot: { state: "pending" }, cancel: () => {} };
    map.set(name, w);
    w.cancel = this.#client.watch(kind as "Cluster", name, {
      onUpdate: (value: unknown) => {
        w.slot = { state: "ok", value: value as V };
        this.#events.onChange();
      },
      onError: (error) => {
        // A rejected update leaves the last good value in force; only a resource that never had one
        // is in error. Connection errors change nothing here.
        if (error.kind === "nack" && w.slot.state !== "ok") {
          w.slot = { state: "error", message: error.message };
          this.#events.onChange();
        }
        this.#events.onError(error);
      },
      onResourceDoesNotExist: () => {
        w.slot = { state: "does_not_exist" };
        this.#events.onChange();
      },
    });
    return w;
  }

  #drop<V>(map: Map<string, Watched<V>>, keep: ReadonlySet<string>): void {
    for (const [name, w] of map) {
      if (keep.has(name)) continue;
      map.delete(name);
      w.cancel();
    }
  }

  /** True when every referenced cluster and assignment has an answer (value, absence or error). */
  settled(): boolean {
    for (const w of this.#clusters.values()) if (w.slot.state === "pending") return false;
    for (const w of this.#assignments.values()) if (w.slot.state === "pending") return false;
    return true;
  }

  resolve(name: string): ResolvedCluster {
    const slot = this.#clusters.get(name)?.slot ?? { state: "pending" };
    if (slot.state !== "ok") return this.#failed(name, slot);
    const cluster = slot.value;
    if (cluster.discovery.kind !== "aggregate")
      return { ok: true, name, cluster, leaves: [this.#leaf(name, cluster)] };
    const leaves: LeafCluster[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    const flatten = (n: string, depth: number, path: readonly string[]) => {
      if (depth > MAX_AGGREGATE_DEPTH)
        return problems.push(`aggregate cluster ${n} nests deeper than ${MAX_AGGREGATE_DEPTH}`);
      if (path.includes(n)) return problems.push(`aggregate cluster ${n} contains itself`);
      const s = this.#clusters.get(n)?.slot ?? { state: "pending" };
      if (s.state !== "ok") return problems.push(this.#failed(n, s).message);
      const d = s.value.discovery;
      if (d.kind === "aggregate") {
        for (const child of d.clusters) flatten(child, depth + 1, [...path, n]);
      } else if (!seen.has(n)) {
        seen.add(n);
        leaves.push(this.#leaf(n, s.value));
      }
    };
    flatten(name, 1, []);
    if (leaves.length === 0) {
      return {
        ok: false,
        name,
        reason: "error",
        message: `aggregate cluster ${name} has no usable child: ${problems.join("; ")}`,
      };
    }
    return { ok: true, name, cluster, leaves };
  }

  #leaf(name: string, cluster: ValidatedCluster): LeafCluster {
    const d = cluster.discovery;
    if (d.kind !== "eds") return { name, cluster, endpointsState: "dns", priorities: [] };
    const slot = this.#assignments.get(d.serviceName)?.slot ?? { state: "pending" };
    if (slot.state === "ok")
      return {
        name,
        cluster,
        endpointsState: "ok",
        endpoints: slot.value,
        priorities: byPriority(slot.value),
      };
    return {
      name,
      cluster,
      endpointsState: slot.state === "error" ? "error" : "does_not_exist",
      priorities: [],
    };
  }

  #failed(name: string, slot: Slot<ValidatedCluster>): Extract<ResolvedCluster, { ok: false }> {
    if (slot.state === "error") return { ok: false, name, reason: "error", message: slot.message };
    return { ok: false, name, reason: "does_not_exist", message: `cluster ${name} does not exist` };
  }

  close(): void {
    this.#roots = [];
    this.#drop(this.#clusters, new Set());
    this.#drop(this.#assignments, new Set());
  }
}
