import type { UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { ClusterContext, ClusterStrategy } from "./cluster-strategy.js";

/**
 * The same call on `forks` endpoints at once (Dubbo default 2; all when forks <= 0 or exceeds the
 * endpoints); the first success wins and the others are cancelled; fails only when all fail (with the
 * last error). For latency-critical reads, at the price of N times the load.
 */
export class ForkingCluster implements ClusterStrategy {
  readonly name = "forking";

  invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    const invokers = ctx.list(inv);
    const n = inv.forks <= 0 || inv.forks >= invokers.length ? invokers.length : inv.forks;
    const selected: Invoker[] = [];
    for (let i = 0; i < n; i++) selected.push(ctx.select(invokers, inv, selected));
    return new Promise((resolve, reject) => {
      const controllers = selected.map(() => new AbortController());
      const parent = inv.signal;
      const onParentAbort = () => {
        for (const c of controllers) c.abort(parent?.reason);
      };
      parent?.addEventListener("abort", onParentAbort, { once: true });
      let failures = 0;
      let settled = false;
      selected.forEach((invoker, i) => {
        ctx.invoke(invoker, inv, controllers[i].signal).then(
          (res) => {
            if (settled) return;
            settled = true;
            parent?.removeEventListener("abort", onParentAbort);
            for (let j = 0; j < controllers.length; j++) if (j !== i) controllers[j].abort();
            resolve(res);
          },
          (e) => {
            if (settled) return;
            if (++failures === selected.length) {
              settled = true;
              parent?.removeEventListener("abort", onParentAbort);
              reject(e);
            }
          },
        );
      });
    });
  }
}
