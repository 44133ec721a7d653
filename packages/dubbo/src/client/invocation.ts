import type { CallOptions, Metadata, MethodKind, WireMethod } from "@dubbo-mesh/triple";
import type { TransportSpec } from "../transport/transport-pool.js";

/**
 * One logical call as routers, load balancers and cluster strategies see it. For protobuf methods
 * `arguments` is `[request]`; for interface methods it is the argument list.
 */
export interface Invocation {
  /** Service name on the wire (protobuf service or Java interface). */
  readonly service: string;
  /** Method name on the wire (`Greet`, `sayHello`). */
  readonly method: string;
  /** The method's name in TypeScript (`greet`); condition rules may name a method either way. */
  readonly localName: string;
  readonly kind: MethodKind;
  readonly group: string;
  readonly version: string;
  /** What goes on the wire: the request message, or the argument array of an interface method. */
  readonly message: unknown;
  readonly arguments: readonly unknown[];
  /** Request attachments (sent as headers); made on first use. */
  readonly attachments: Metadata;
  /** One attachment, without making the metadata when the call has none (what routers use). */
  attachment(key: string): string | undefined;
  /** Per attempt, in ms (call option > dynamic config > method > service > app default). */
  readonly timeoutMs: number;
  /** Extra attempts after the first (failover). */
  readonly retries: number;
  /** Safe to repeat after the provider may have run it (retries on timeouts and server errors). */
  readonly idempotent: boolean;
  /** Parallel calls of the forking strategy. */
  readonly forks: number;
  readonly signal: AbortSignal | undefined;
  /** The transport-level options of each attempt (headers, deadline, callbacks). */
  readonly callOptions: CallOptions;
  readonly wire: WireMethod;
  readonly spec: TransportSpec;
  /** What failsafe and failback return instead of an error: an empty message, or undefined. */
  emptyResult(): unknown;
}
