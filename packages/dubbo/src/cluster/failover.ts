import type { UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { ClusterContext, ClusterStrategy } from "./cluster-strategy.js";
import { isRetryable } from "./retry-policy.js";

/**
 * Dubbo's default: up to `retries + 1` attempts (retries 2 -> 3), each on an endpoint not tried yet
 * when there is one, re-routing before each retry. Retries only errors that are safe to retry
 * (see retry-policy.ts).
 */
export class FailoverCluster implements ClusterStrategy {
  readonly name = "failover";

  invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    // The first attempt is a plain promise chain: no async frame on the path every call takes.
    const first = ctx.select(ctx.list(inv), inv);
    const p = ctx.invoke(first, inv);
    if (inv.retries <= 0) return p;
    return p.catch((e: unknown) => this.retry(ctx, inv, e, [first]));
  }

  private async retry(
    ctx: ClusterContext,
    inv: Invocation,
    error: unknown,
    tried: Invoker[],
  ): Promise<UnaryResponse> {
    const attempts = inv.retries + 1;
    let last = error;
    for (let i = 1; ; i++) {
      if (i >= attempts || inv.signal?.aborted || !isRetryable(last, inv.idempotent)) throw last;
      const previous = tried[tried.length - 1];
      ctx.logger.debug(
        {
          service: inv.service,
          method: inv.method,
          endpoint: previous.address,
          attempt: i,
          error: String(last),
        },
        `retrying ${inv.service}/${inv.method} after a failure on ${previous.address}`,
      );
      const invoker = ctx.select(ctx.list(inv), inv, tried);
      try {
        return await ctx.invoke(invoker, inv);
      } catch (e) {
        last = e;
        tried.push(invoker);
      }
    }
  }
}
