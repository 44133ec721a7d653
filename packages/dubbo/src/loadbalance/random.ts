import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { LoadBalancer, LoadBalancerOptions } from "./load-balancer.js";
import { effectiveWeight } from "./warmup.js";

/** Running sums of the weights of one endpoint list, valid while no endpoint of it is warming up. */
interface Sums {
  readonly list: readonly Invoker[];
  readonly cumulative: Float64Array;
  readonly total: number;
  readonly same: boolean;
  /** Until then some endpoint is still warming up and its weight moves (ms since the epoch). */
  readonly stableFrom: number;
}

/**
 * Dubbo's RandomLoadBalance: weighted random over the warm-up weights; uniform when every weight is
 * the same (or all are 0).
 *
 * The running sums are kept for the last endpoint list (the directory hands out the same array until
 * something changes, dynamic weights included), so once no endpoint is warming up a pick is a binary
 * search instead of a pass over every endpoint.
 */
export class RandomLoadBalancer implements LoadBalancer {
  readonly name = "random";
  private readonly random: () => number;
  private readonly now: () => number;
  private sums: Sums | undefined;

  constructor(options: LoadBalancerOptions = {}) {
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  select(invokers: readonly Invoker[], _invocation: Invocation): Invoker {
    const n = invokers.length;
    if (n === 1) return invokers[0];
    const now = this.now();
    let s = this.sums;
    if (s === undefined || s.list !== invokers || now < s.stableFrom) {
      s = sumsOf(invokers, now);
      this.sums = s;
    }
    if (s.total > 0 && !s.same) {
      const offset = this.random() * s.total;
      const cumulative = s.cumulative;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (offset < cumulative[mid]) hi = mid;
        else lo = mid + 1;
      }
      return invokers[lo];
    }
    return invokers[Math.floor(this.random() * n)];
  }
}

function sumsOf(invokers: readonly Invoker[], now: number): Sums {
  const n = invokers.length;
  const cumulative = new Float64Array(n);
  let total = 0;
  let same = true;
  let stableFrom = 0;
  for (let i = 0; i < n; i++) {
    const inv = invokers[i];
    const w = effectiveWeight(inv, now);
    total += w;
    cumulative[i] = total;
    if (same && total !== w * (i + 1)) same = false;
    if (inv.startedAt > 0 && inv.weight > 0) stableFrom = Math.max(stableFrom, inv.startedAt + inv.warmupMs);
  }
  return { list: invokers, cumulative, total, same, stableFrom };
}
