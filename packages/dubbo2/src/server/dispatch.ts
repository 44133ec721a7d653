// The contract between the Dubbo2 server and whoever implements the services (the SDK).

import type { HessianValue } from "@dubbo-mesh/hessian2";

/** One decoded call, as the server hands it to the dispatcher. */
export interface Dubbo2ServerInvocation {
  /** Service path from the request body (usually the Java interface name). */
  readonly path: string;
  /** Service version; "" when the request has none (null, "" and "0.0.0" all mean none in Dubbo). */
  readonly version: string;
  /** Service group from the `group` attachment; "" when none. */
  readonly group: string;
  /** The method to run. For a generic call ($invoke) this is the real method named in its arguments. */
  readonly method: string;
  /** Java parameter types as Class.getName() spells them (`java.lang.String`, `int`, `[B`). */
  readonly parameterTypes: readonly string[];
  readonly args: readonly HessianValue[];
  readonly attachments: Readonly<Record<string, unknown>>;
  /** The request's protocol version ("2.0.2" from Dubbo 2.7 and 3.x). */
  readonly dubboVersion: string;
  /**
   * Set for generic calls (`$invoke` / `$invokeAsync`): the `generic` attachment, "true" by default.
   * Arguments then are POJOs as maps with a "class" entry, and the server returns the result the same
   * way (see server/generic.ts).
   */
  readonly generic: string | undefined;
  /** The caller expects no answer (two-way flag clear). */
  readonly oneWay: boolean;
  /** The consumer's address. */
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** What a method did: returned a value (null and undefined mean Java null) or threw. */
export type Dubbo2Outcome =
  | { readonly value: unknown; readonly attachments?: Readonly<Record<string, unknown>> }
  | { readonly exception: unknown; readonly attachments?: Readonly<Record<string, unknown>> };

/**
 * Runs one call. Return `{ value }` or `{ exception }` (a `java.exception(...)`, a decoded Java
 * exception, or any Error, which reaches Java as java.lang.RuntimeException). Throw a Dubbo2Error to
 * answer with a status instead (e.g. SERVICE_NOT_FOUND); anything else thrown becomes SERVICE_ERROR,
 * like an exception escaping Dubbo Java's reply handler.
 */
export type Dubbo2Dispatcher = (invocation: Dubbo2ServerInvocation) => Dubbo2Outcome | Promise<Dubbo2Outcome>;
