import { AvailableCluster } from "./available.js";
import { BroadcastCluster } from "./broadcast.js";
import type { ClusterName, ClusterStrategy } from "./cluster-strategy.js";
import { FailbackCluster, type FailbackOptions } from "./failback.js";
import { FailfastCluster } from "./failfast.js";
import { FailoverCluster } from "./failover.js";
import { FailsafeCluster } from "./failsafe.js";
import { ForkingCluster } from "./forking.js";

export interface ClusterOptions {
  failback?: FailbackOptions;
}

const factories: Record<ClusterName, (o: ClusterOptions) => ClusterStrategy> = {
  failover: () => new FailoverCluster(),
  failfast: () => new FailfastCluster(),
  failsafe: () => new FailsafeCluster(),
  failback: (o) => new FailbackCluster(o.failback),
  forking: () => new ForkingCluster(),
  broadcast: () => new BroadcastCluster(),
  available: () => new AvailableCluster(),
};

export const clusterNames = Object.keys(factories) as ClusterName[];

export function isClusterName(name: string): name is ClusterName {
  return Object.hasOwn(factories, name);
}

/** A strategy by its Dubbo name. */
export function createCluster(name: ClusterName, options: ClusterOptions = {}): ClusterStrategy {
  const f = factories[name];
  if (f === undefined)
    throw new TypeError(`unknown cluster strategy "${name}"; known: ${clusterNames.join(", ")}`);
  return f(options);
}
