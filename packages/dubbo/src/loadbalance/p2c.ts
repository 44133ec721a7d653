import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { LoadBalancer, LoadBalancerOptions } from "./load-balancer.js";
import { effectiveWeight } from "./warmup.js";

/**
 * Power of two choices: two distinct endpoints at random, the one with fewer calls in flight per unit
 * of weight wins ((active + 1) / weight, so a weight-200 endpoint takes twice the load of a weight-100
 * one before it loses). O(1) per pick whatever the number of endpoints, and close to least active in
 * effect without its full scan.
 */
export class P2CLoadBalancer implements LoadBalancer {
  readonly name = "p2c";
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(options: LoadBalancerOptions = {}) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  select(invokers: readonly Invoker[], _invocation: Invocation): Invoker {
    const n = invokers.length;
    if (n === 1) return invokers[0];
    const i = Math.floor(this.random() * n);
    let j = Math.floor(this.random() * (n - 1));
    if (j >= i) j++;
    const a = invokers[i];
    const b = invokers[j];
    const now = this.now();
    const la = (a.stats.active + 1) / Math.max(effectiveWeight(a, now), 1e-9);
    const lb = (b.stats.active + 1) / Math.max(effectiveWeight(b, now), 1e-9);
    if (la < lb) return a;
    if (lb < la) return b;
    return this.random() < 0.5 ? a : b;
  }
}
