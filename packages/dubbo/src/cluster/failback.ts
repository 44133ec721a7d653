import type { UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { ClusterContext, ClusterStrategy } from "./cluster-strategy.js";
import { emptyResponse } from "./empty-response.js";
import { isRetryable } from "./retry-policy.js";

export interface FailbackOptions {
  /** Delay between background attempts (Dubbo: 5 s). */
  intervalMs?: number;
  /** Background attempts before giving up (Dubbo: 3). */
  retries?: number;
}

/**
 * One attempt; on failure the caller gets an empty result at once and the call is repeated in the
 * background every `intervalMs`, up to `retries` times, each time on a freshly picked endpoint
 * (notifications that must arrive eventually). Choosing failback says the method may run twice, so
 * timeouts and server errors are retried as for idempotent methods; application errors are not.
 */
export class FailbackCluster implements ClusterStrategy {
  readonly name = "failback";
  private readonly intervalMs: number;
  private readonly retries: number;

  constructor(options: FailbackOptions = {}) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.retries = options.retries ?? 3;
  }

  async invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    try {
      return await ctx.invoke(ctx.select(ctx.list(inv), inv), inv);
    } catch (e) {
      if (!isRetryable(e, true)) throw e;
      ctx.logger.warn(
        { service: inv.service, method: inv.method, error: String(e) },
        `failback: ${inv.service}/${inv.method} failed, retrying in the background`,
      );
      this.retryLater(ctx, inv, 1);
      return emptyResponse(inv);
    }
  }

  private retryLater(ctx: ClusterContext, inv: Invocation, attempt: number): void {
    ctx.schedule(() => {
      let invokers: ReturnType<ClusterContext["list"]>;
      try {
        invokers = ctx.list(inv);
      } catch (e) {
        return this.onFailure(ctx, inv, attempt, e);
      }
      ctx.invoke(ctx.select(invokers, inv), inv, undefined).then(
        () =>
          ctx.logger.info(
            { service: inv.service, method: inv.method, attempt },
            `failback: ${inv.service}/${inv.method} succeeded on background attempt ${attempt}`,
          ),
        (e) => this.onFailure(ctx, inv, attempt, e),
      );
    }, this.intervalMs);
  }

  private onFailure(ctx: ClusterContext, inv: Invocation, attempt: number, e: unknown): void {
    if (attempt < this.retries && isRetryable(e, true)) return this.retryLater(ctx, inv, attempt + 1);
    ctx.logger.error(
      { service: inv.service, method: inv.method, attempts: attempt, error: String(e) },
      `failback: giving up on ${inv.service}/${inv.method} after ${attempt} background attempts`,
    );
  }
}
