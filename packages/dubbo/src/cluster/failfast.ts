import type { UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { ClusterContext, ClusterStrategy } from "./cluster-strategy.js";

/** One attempt; the error goes straight to the caller (non-idempotent writes). */
export class FailfastCluster implements ClusterStrategy {
  readonly name = "failfast";

  invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    return ctx.invoke(ctx.select(ctx.list(inv), inv), inv);
  }
}
