import { Code, RpcError, type UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { ClusterContext, ClusterStrategy } from "./cluster-strategy.js";

/**
 * No balancing: the first endpoint (in directory order) that is available, i.e. has not just failed
 * to connect; one attempt.
 */
export class AvailableCluster implements ClusterStrategy {
  readonly name = "available";

  invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    const now = performance.now();
    for (const invoker of ctx.list(inv)) {
      if (invoker.available(now)) return ctx.invoke(invoker, inv);
    }
    return Promise.reject(
      new RpcError(
        Code.Unavailable,
        `no available provider for ${inv.service}/${inv.method}: all failed to connect`,
      ),
    );
  }
}
