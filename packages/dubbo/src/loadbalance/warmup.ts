import type { Invoker } from "../directory/invoker.js";

/**
 * Dubbo's `calculateWarmupWeight`: a provider that started `uptime` ms ago, of `warmup` ms ramp, gets
 * `uptime / (warmup / weight)` of its weight, at least 1 and at most its weight.
 */
export function calculateWarmupWeight(uptimeMs: number, warmupMs: number, weight: number): number {
  const ww = Math.trunc(uptimeMs / (warmupMs / weight));
  return ww < 1 ? 1 : Math.min(ww, weight);
}

/**
 * The weight a balancer uses (Dubbo's `AbstractLoadBalance.getWeight`): the configured weight,
 * ramped up over the warm-up period since the provider's `timestamp`; 1 for a provider whose clock
 * is ahead of ours (negative uptime), as Dubbo does; never negative.
 */
export function effectiveWeight(invoker: Invoker, now: number): number {
  const weight = invoker.weight;
  if (weight > 0 && invoker.startedAt > 0) {
    const uptime = now - invoker.startedAt;
    if (uptime < 0) return 1;
    if (uptime > 0 && uptime < invoker.warmupMs)
      return calculateWarmupWeight(uptime, invoker.warmupMs, weight);
  }
  return Math.max(weight, 0);
}
