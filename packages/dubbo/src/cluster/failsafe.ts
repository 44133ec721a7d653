import type { UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { ClusterContext, ClusterStrategy } from "./cluster-strategy.js";
import { emptyResponse } from "./empty-response.js";

/** One attempt; a failure is logged and the caller gets an empty result (audit logs and the like). */
export class FailsafeCluster implements ClusterStrategy {
  readonly name = "failsafe";

  async invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    try {
      return await ctx.invoke(ctx.select(ctx.list(inv), inv), inv);
    } catch (e) {
      ctx.logger.warn(
        { service: inv.service, method: inv.method, error: String(e) },
        `failsafe: ignoring the failure of ${inv.service}/${inv.method}`,
      );
      return emptyResponse(inv);
    }
  }
}
