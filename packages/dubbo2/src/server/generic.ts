// Provider-side generic invocation and $echo, as Dubbo Java's GenericFilter and EchoFilter do them:
//
// - `$echo(Object)` answers its argument without reaching the service.
// - `$invoke(String method, String[] types, Object[] args)` (and `$invokeAsync`) names the real method;
//   the dispatcher sees that method, those types and those arguments, with `generic` set to the
//   `generic` attachment ("true" unless the consumer chose another form). POJO arguments arrive as maps
//   with a "class" entry (PojoUtils.generalize form); for generic "true" the result goes back in that
//   form too: objects of a Java class become maps with a "class" entry, enums their name.

import {
  type HessianValue,
  JAVA_CLASS,
  JavaBigDecimal,
  JavaBigInteger,
  JavaEnum,
  JavaList,
  JavaMap,
  JavaObject,
  JavaValue,
  javaClassOf,
} from "@dubbo-mesh/hessian2";
import { Dubbo2DecodeError } from "../errors.js";
import type { DecodedRequest } from "../request-codec.js";

export const GENERIC_METHODS: ReadonlySet<string> = new Set(["$invoke", "$invokeAsync"]);
export const ECHO_METHOD = "$echo";

export interface GenericTarget {
  readonly method: string;
  readonly parameterTypes: string[];
  readonly args: HessianValue[];
  readonly generic: string;
}

/** The real call inside a `$invoke` request; throws Dubbo2DecodeError when the arguments are not that shape. */
export function unwrapGeneric(request: DecodedRequest): GenericTarget {
  const [method, types, args] = request.args;
  if (request.args.length !== 3 || typeof method !== "string" || method.length === 0) {
    throw new Dubbo2DecodeError(`${request.method} expects (String method, String[] types, Object[] args)`);
  }
  const parameterTypes = types === null ? [] : types;
  const values = args === null ? [] : args;
  if (!Array.isArray(parameterTypes) || !parameterTypes.every((t) => typeof t === "string")) {
    throw new Dubbo2DecodeError(`${request.method}: the parameter types are not a String[]`);
  }
  if (!Array.isArray(values))
    throw new Dubbo2DecodeError(`${request.method}: the arguments are not an Object[]`);
  if (values.length !== parameterTypes.length) {
    throw new Dubbo2DecodeError(
      `${request.method}(${method}): ${parameterTypes.length} parameter types but ${values.length} arguments`,
    );
  }
  const generic = request.attachments.generic;
  return {
    method,
    parameterTypes: [...(parameterTypes as string[])],
    args: [...(values as HessianValue[])],
    generic: typeof generic === "string" && generic.length > 0 ? generic : "true",
  };
}

/**
 * A result in PojoUtils.generalize form: Java objects become maps with a "class" entry (recursively),
 * enums their name; primitives, strings, dates, binary, BigDecimal/BigInteger stay as they are.
 */
export function generalize(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date || value instanceof Uint8Array || ArrayBuffer.isView(value)) return value;
  if (value instanceof JavaBigDecimal || value instanceof JavaBigInteger) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (value instanceof JavaValue) return generalizeMarker(value, seen);
  if (Array.isArray(value)) {
    const cls = javaClassOf(value);
    // Primitive and String arrays are "primitives" to PojoUtils: left alone.
    if (cls !== undefined && /^\[(int|long|short|byte|boolean|double|float|char|string)$/.test(cls))
      return value;
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(generalize(item, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    seen.set(value, out);
    for (const [k, v] of value) out.set(generalize(k, seen), generalize(v, seen));
    return out;
  }
  const record = value as Record<string | symbol, unknown>;
  const cls = record[JAVA_CLASS];
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  if (typeof cls === "string") {
    if (cls.startsWith("com.alibaba.com.caucho.hessian.io.java8.")) return value; // java.time handles
    out.class = cls;
  }
  for (const key of Object.keys(record)) out[key] = generalize(record[key], seen);
  return out;
}

function generalizeMarker(marker: JavaValue, seen: Map<object, unknown>): unknown {
  if (marker instanceof JavaEnum) return marker.name;
  if (marker instanceof JavaObject) {
    const out: Record<string, unknown> = { class: marker.className };
    seen.set(marker, out);
    for (const [k, v] of Object.entries(marker.fields)) out[k] = generalize(v, seen);
    return out;
  }
  if (marker instanceof JavaList) {
    if (
      marker.className !== undefined &&
      /^\[(int|long|short|byte|boolean|double|float|char|string)$/.test(marker.className)
    ) {
      return marker;
    }
    return marker.items.map((item) => generalize(item, seen));
  }
  if (marker instanceof JavaMap) {
    const entries = marker.entries instanceof Map ? [...marker.entries] : Object.entries(marker.entries);
    const out = new Map<unknown, unknown>();
    for (const [k, v] of entries) out.set(generalize(k, seen), generalize(v, seen));
    return out;
  }
  return marker; // int, long, double, char markers: already "primitives"
}
