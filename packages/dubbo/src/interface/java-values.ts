import { java } from "@dubbo-mesh/hessian2";

/** Java's primitive type names: never a class to send an object as. */
const PRIMITIVES = new Set(["boolean", "byte", "char", "short", "int", "long", "float", "double", "void"]);

/**
 * Gives a plain object the Java class it is declared as (a parameter or return type such as
 * `org.x.User`), so `demo.echoUser({ name: "x" })` reaches Java as a User without `java.object(...)`.
 * Only bare `{...}` objects are wrapped: markers, decoded objects (which keep their class), arrays,
 * Dates and Maps go as they are, and so does everything declared as a JDK type (`java.util.Map`
 * must stay a map) or a primitive. Nested POJOs still need `java.object`: their types are not declared.
 */
export function asDeclaredClass(type: string | undefined, value: unknown): unknown {
  if (type === undefined || !isPlainObject(value)) return value;
  if (PRIMITIVES.has(type) || type.startsWith("java.") || type.startsWith("[") || type.endsWith("[]")) {
    return value;
  }
  return java.object(type, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  return Object.getPrototypeOf(value) === Object.prototype;
}
