import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";

/**
 * One step of the router chain: narrows the endpoints a call may go to. Must return its input array
 * itself when it filters nothing (identity lets later steps cache), and must be synchronous.
 * Condition and tag routing are built in; mesh routing (xDS route match -> weighted cluster) plugs in
 * here later, and applications may add their own.
 */
export interface Router {
  readonly name: string;
  route(invokers: readonly Invoker[], invocation: Invocation): readonly Invoker[];
}

/** What routing knows about the consumer: its Dubbo URL parameters (application, host, labels, ...). */
export interface ConsumerInfo {
  readonly params: Readonly<Record<string, string>>;
}
