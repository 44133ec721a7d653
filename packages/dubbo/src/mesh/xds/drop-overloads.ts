// EDS drop_overloads (A27, Envoy's ClusterLoadAssignment.Policy): the control plane sheds load at the
// client. Per call, each category in order draws against its own fraction; the first hit drops the
// call with UNAVAILABLE before an endpoint is picked, and the call is not retried (the drop is the
// control plane's decision, not a failure of an endpoint).
import { Code, RpcError } from "@dubbo-mesh/triple";
import { type DropOverloadConfig, fractionHits } from "@dubbo-mesh/xds";

/** A call the cluster's drop policy shed; never retried. */
export class DroppedCall extends RpcError {
  constructor(
    readonly cluster: string,
    readonly category: string,
  ) {
    super(Code.Unavailable, `call dropped by cluster ${cluster}'s drop_overloads (category "${category}")`);
  }
}

/** The category that drops this call, or undefined to let it through. */
export function dropCategory(drops: readonly DropOverloadConfig[], random: () => number): string | undefined {
  for (const d of drops) if (fractionHits(d.fraction, random)) return d.category;
  return undefined;
}
