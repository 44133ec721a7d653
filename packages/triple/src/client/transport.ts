import type { StreamResponse, UnaryResponse } from "../interceptor/interceptor.js";
import type { CallOptions } from "./call-options.js";
import type { WireMethod } from "./wire-method.js";

/**
 * How a client reaches a server. Two methods, as in connect-es: clients never know the protocol,
 * the SDK wraps transports with discovery, routing and load balancing.
 */
export interface Transport {
  unary(method: WireMethod, input: unknown, options: CallOptions): Promise<UnaryResponse>;
  stream(method: WireMethod, input: AsyncIterable<unknown>, options: CallOptions): Promise<StreamResponse>;
  /** Closes pooled connections; calls in flight finish first. */
  close(): Promise<void>;
}
