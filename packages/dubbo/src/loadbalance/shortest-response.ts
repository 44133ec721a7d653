import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { LoadBalancer, LoadBalancerOptions } from "./load-balancer.js";
import { pickAmongTied } from "./tied-pick.js";

/**
 * Dubbo's ShortestResponseLoadBalance: estimates each endpoint's response time as the average latency
 * of its successful calls in the last window (30 s) times (calls in flight + 1), and picks the
 * shortest; ties are broken by weighted random, as least active does.
 */
export class ShortestResponseLoadBalancer implements LoadBalancer {
  readonly name = "shortestresponse";
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: LoadBalancerOptions = {}) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  select(invokers: readonly Invoker[], _invocation: Invocation): Invoker {
    if (invokers.length === 1) return invokers[0];
    return pickAmongTied(invokers, (inv) => inv.stats.estimatedResponseMs(), this.now(), this.random);
  }
}
