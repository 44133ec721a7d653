import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";

/**
 * Picks one endpoint for a call. `invokers` is never empty; implementations must be synchronous
 * and cheap (they run on every call, and on 1,000 endpoints in the benchmark).
 */
export interface LoadBalancer {
  readonly name: string;
  select(invokers: readonly Invoker[], invocation: Invocation): Invoker;
}

/** Options shared by the built-in balancers. */
export interface LoadBalancerOptions {
  /** Uniform random numbers in [0, 1); default Math.random. Tests pass a seeded one. */
  random?: () => number;
  /** Consistent hash: what to hash (see ConsistentHashOptions). */
  hash?: ConsistentHashOptions;
  /** Wall clock for warm-up (ms since the epoch, as providers' `timestamp`); default Date.now. */
  now?: () => number;
}

export interface ConsistentHashOptions {
  /** Argument positions whose values form the key (Dubbo's `hash.arguments`, default [0]). */
  arguments?: readonly number[];
  /** Dotted path inside an object argument (`user.id`): protobuf requests are one object. */
  field?: string;
  /** Hash this attachment's value instead of arguments (falls back to arguments when absent). */
  attachment?: string;
  /** Virtual nodes per endpoint (Dubbo's `hash.nodes`, default 160). */
  nodes?: number;
}

export type LoadBalanceName =
  | "random"
  | "roundrobin"
  | "leastactive"
  | "shortestresponse"
  | "consistenthash"
  | "p2c";
