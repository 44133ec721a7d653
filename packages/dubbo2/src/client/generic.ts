// Generic invocation from the consumer side: GenericService.$invoke(method, String[] types, Object[] args)
// as Dubbo Java's GenericImplFilter sends it. The provider needs no stub of ours: it resolves the real
// method by name and types, turns map arguments with a "class" entry into those classes
// (PojoUtils.realize), and answers POJOs as maps with a "class" entry (PojoUtils.generalize).

import { java } from "@dubbo-mesh/hessian2";
import type { Dubbo2Invocation } from "./options.js";

export const GENERIC_INVOKE = "$invoke";
export const GENERIC_INVOKE_ASYNC = "$invokeAsync";
export const ECHO = "$echo";
/** $invoke's own parameter types. */
export const GENERIC_PARAMETER_TYPES = [
  "java.lang.String",
  "[Ljava.lang.String;",
  "[Ljava.lang.Object;",
] as const;

export interface GenericCall {
  path: string;
  /** The real method on the provider. */
  method: string;
  /** Its Java parameter types (Class.getName() form: `java.lang.String`, `com.foo.User`, `int`). */
  parameterTypes: readonly string[];
  /** Arguments; POJOs as plain objects with a "class" entry, e.g. `{ class: "com.foo.User", name: "x" }`. */
  args: readonly unknown[];
  version?: string;
  group?: string;
  attachments?: Readonly<Record<string, unknown>>;
}

/** The `$invoke` invocation for a generic call (attachment generic=true, Dubbo's default generic form). */
export function genericInvocation(call: GenericCall): Dubbo2Invocation {
  return {
    path: call.path,
    method: GENERIC_INVOKE,
    parameterTypes: GENERIC_PARAMETER_TYPES,
    args: [
      call.method,
      java.array("java.lang.String", call.parameterTypes),
      java.array("java.lang.Object", call.args),
    ],
    version: call.version,
    group: call.group,
    attachments: { ...call.attachments, generic: "true" },
  };
}
