// The SDK's load balancers standing in for the xDS lb policies: round_robin -> smooth weighted round
// robin, least_request -> power of two choices, ring_hash -> the consistent-hash ring keyed by the
// route's hash_policy header. One balancer per cluster (and hash header), so that round-robin counters
// and rings follow the cluster, as a gRPC child policy does.
import type { HashPolicyConfig, LbPolicyConfig } from "@dubbo-mesh/xds";
import { createLoadBalancer } from "../../loadbalance/balancers.js";
import type { LoadBalanceName, LoadBalancer } from "../../loadbalance/load-balancer.js";
import type { ClusterEndpoints } from "./cluster-endpoints.js";

function balancerName(policy: LbPolicyConfig): LoadBalanceName {
  switch (policy.kind) {
    case "wrr_locality":
      return balancerName(policy.childPolicy);
    case "least_request":
      return "p2c";
    case "ring_hash":
      return "consistenthash";
    default:
      // round_robin, and weighted_round_robin without ORCA load reports, which is round robin.
      return "roundrobin";
  }
}

/** The header a ring-hash call is keyed by: the first header policy of the route (A42). */
function hashHeader(policies: readonly HashPolicyConfig[]): string | undefined {
  for (const p of policies) if (p.kind === "header") return p.headerName;
  return undefined;
}

export class ClusterBalancers {
  /** By cluster, policy and hash header: survives configuration updates (round-robin state, rings). */
  private readonly balancers = new Map<string, LoadBalancer>();
  /** The same, by the objects of the current configuration: no string keys on the per-call path. */
  private readonly byConfig = new WeakMap<
    ClusterEndpoints,
    WeakMap<readonly HashPolicyConfig[], LoadBalancer>
  >();

  constructor(private readonly random: () => number) {}

  for(ce: Extract<ClusterEndpoints, { ok: true }>, hashPolicies: readonly HashPolicyConfig[]): LoadBalancer {
    let forCluster = this.byConfig.get(ce);
    if (forCluster === undefined) {
      forCluster = new WeakMap();
      this.byConfig.set(ce, forCluster);
    }
    let b = forCluster.get(hashPolicies);
    if (b === undefined) {
      b = this.named(ce.name, ce.cluster.lbPolicy, hashPolicies);
      forCluster.set(hashPolicies, b);
    }
    return b;
  }

  private named(
    cluster: string,
    policy: LbPolicyConfig,
    hashPolicies: readonly HashPolicyConfig[],
  ): LoadBalancer {
    const name = balancerName(policy);
    const header = name === "consistenthash" ? hashHeader(hashPolicies) : undefined;
    const key = `${cluster}|${name}|${header ?? ""}`;
    let b = this.balancers.get(key);
    if (b === undefined) {
      b = createLoadBalancer(name, {
        random: this.random,
        ...(header === undefined ? {} : { hash: { attachment: header } }),
      });
      this.balancers.set(key, b);
    }
    return b;
  }
}
