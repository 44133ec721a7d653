import type { UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { ClusterContext, ClusterStrategy } from "./cluster-strategy.js";

/**
 * The call goes to every endpoint (in parallel); it fails if any endpoint fails (with the first
 * failure), otherwise returns the last endpoint's response, as Dubbo does. For cache refreshes and
 * configuration pushes to all providers.
 */
export class BroadcastCluster implements ClusterStrategy {
  readonly name = "broadcast";

  async invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    const invokers = ctx.list(inv);
    const results = await Promise.allSettled(invokers.map((invoker) => ctx.invoke(invoker, inv)));
    let last: UnaryResponse | undefined;
    for (const r of results) {
      if (r.status === "rejected") {
        ctx.logger.warn(
          {
            service: inv.service,
            method: inv.method,
            failed: results.filter((x) => x.status === "rejected").length,
          },
          `broadcast: ${inv.service}/${inv.method} failed on some endpoints`,
        );
        throw r.reason;
      }
      last = r.value;
    }
    return last as UnaryResponse;
  }
}
