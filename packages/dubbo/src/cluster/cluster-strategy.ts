import type { UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { Logger } from "../log/logger.js";

/** What a cluster strategy may do: list routed endpoints, pick one, call it. */
export interface ClusterContext {
  /**
   * Endpoints for this invocation after routing, read afresh on every call so that a retry sees
   * discovery and rule changes. Throws UNAVAILABLE when none is left.
   */
  list(invocation: Invocation): readonly Invoker[];
  /**
   * The load balancer's pick, avoiding endpoints in `exclude` (tried already) and endpoints that just
   * failed to connect, when others are left.
   */
  select(invokers: readonly Invoker[], invocation: Invocation, exclude?: readonly Invoker[]): Invoker;
  /** One attempt on one endpoint, with statistics. `signal` replaces the invocation's own. */
  invoke(invoker: Invoker, invocation: Invocation, signal?: AbortSignal): Promise<UnaryResponse>;
  /** Runs `task` later, unless the app stops first (failback). */
  schedule(task: () => void, delayMs: number): void;
  readonly logger: Logger;
}

/**
 * Fault tolerance for unary calls (Dubbo's Cluster): how many endpoints a call tries and what the
 * caller sees when they fail. Streaming calls do not go through it (see the README).
 */
export interface ClusterStrategy {
  readonly name: string;
  invoke(context: ClusterContext, invocation: Invocation): Promise<UnaryResponse>;
}

export type ClusterName =
  | "failover"
  | "failfast"
  | "failsafe"
  | "failback"
  | "forking"
  | "broadcast"
  | "available";
