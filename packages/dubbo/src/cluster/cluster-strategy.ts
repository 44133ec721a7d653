import type { StreamResponse, UnaryResponse } from "@dubbo-mesh/triple";
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
 * The request messages of one attempt of a streaming call. The caller's iterable is read once, so
 * each attempt takes its own view of it: a view stops giving messages when a later attempt takes over
 * or it is abandoned. A replayable request (server streaming) starts over in every view.
 */
export interface AttemptRequests extends AsyncIterable<unknown> {
  /**
   * The attempt failed before its response started: a message it asked for but did not get yet goes
   * to the next attempt instead of being lost with this one.
   */
  abandon(): void;
}

/** A streaming call as a cluster strategy sees it. */
export interface StreamInvocation extends Invocation {
  /** The request messages for one new attempt. */
  requests(): AttemptRequests;
  /**
   * True once an attempt took a request message from a non-replayable iterable: the messages cannot
   * be sent again, so no further attempt may start (gRPC's "committed" call).
   */
  readonly committed: boolean;
}

/**
 * Fault tolerance (Dubbo's Cluster): how many endpoints a call tries and what the caller sees when
 * they fail. Unary calls always go through `invoke`. Streaming calls go through `stream` when the
 * strategy has it; otherwise they take one endpoint, retried (failover only) while the response has
 * not started and no request message was taken.
 */
export interface ClusterStrategy {
  readonly name: string;
  invoke(context: ClusterContext, invocation: Invocation): Promise<UnaryResponse>;
  /** Starts a streaming call; resolves when its response has started (headers or the end). */
  stream?(context: ClusterContext, invocation: StreamInvocation): Promise<StreamResponse>;
}

export type ClusterName =
  | "failover"
  | "failfast"
  | "failsafe"
  | "failback"
  | "forking"
  | "broadcast"
  | "available";
