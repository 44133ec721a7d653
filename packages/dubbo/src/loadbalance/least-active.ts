import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { LoadBalancer, LoadBalancerOptions } from "./load-balancer.js";
import { pickAmongTied } from "./tied-pick.js";

/**
 * Dubbo's LeastActiveLoadBalance: the endpoints with the fewest calls in flight (from this consumer)
 * win; among several, a weighted random pick (uniform when their weights are equal).
 */
export class LeastActiveLoadBalancer implements LoadBalancer {
  readonly name = "leastactive";
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: LoadBalancerOptions = {}) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  select(invokers: readonly Invoker[], _invocation: Invocation): Invoker {
    if (invokers.length === 1) return invokers[0];
    return pickAmongTied(invokers, (inv) => inv.stats.active, this.now(), this.random);
  }
}
