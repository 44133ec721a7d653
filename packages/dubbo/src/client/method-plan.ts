import type { WireMethod } from "@dubbo-mesh/triple";
import type { ClusterStrategy } from "../cluster/cluster-strategy.js";
import type { LoadBalancer } from "../loadbalance/load-balancer.js";

/** How a method is described to the consumer, whatever its IDL. */
export interface MethodSource {
  /** The TypeScript name (`greet`); the wire name is in `wire.info.method`. */
  readonly localName: string;
  readonly wire: WireMethod;
  /** Declared idempotent by the IDL (protobuf `idempotency_level`) or the interface definition. */
  readonly idempotent: boolean;
  /** The failsafe/failback result: an empty message, or undefined. */
  readonly empty: () => unknown;
  /** The argument list routers and consistent hash see. */
  readonly argumentsOf: (message: unknown) => readonly unknown[];
}

/**
 * A method with its settings resolved (call > dynamic config > method > client > app default). The
 * object stays the same for the life of the client; its settings change when dynamic configuration does.
 */
export interface MethodPlan extends MethodSource {
  timeoutMs: number;
  retries: number;
  idempotentResolved: boolean;
  forks: number;
  balancer: LoadBalancer;
  cluster: ClusterStrategy;
}
