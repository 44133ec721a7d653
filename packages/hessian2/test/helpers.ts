// Shared test helpers: readable hex, and a deep equality that also checks the Java class tags
// (assert.deepStrictEqual ignores non-enumerable symbol properties, which is where those live).

import { strict as assert } from "node:assert";
import { JAVA_CLASS, JAVA_MAP_TYPE, setJavaClass, setJavaMapType } from "../src/index.js";

/** Bytes from hex pairs and quoted ASCII runs, spaces ignored: hex(`43 "example.Car" 92`). */
export function hex(spec: string): Buffer {
  const bytes: number[] = [];
  for (const token of spec.match(/"[^"]*"|\S+/g) ?? []) {
    if (token.startsWith('"')) {
      for (const b of Buffer.from(token.slice(1, -1), "latin1")) bytes.push(b);
    } else if (/^([0-9a-fA-F]{2})+$/.test(token)) {
      for (const b of Buffer.from(token, "hex")) bytes.push(b);
    } else {
      throw new Error(`bad hex token ${token}`);
    }
  }
  return Buffer.from(bytes);
}

/** A plain object tagged with a Java class, as the decoder produces it. */
export function obj(className: string, fields: Record<string, unknown>): Record<string, unknown> {
  return setJavaClass({ ...fields }, className);
}

/** A plain object tagged as a typed Hessian map ('M'), as the decoder produces it. */
export function typedMap(type: string, fields: Record<string, unknown>): Record<string, unknown> {
  return setJavaMapType({ ...fields }, type);
}

/** An array tagged with a Java list type. */
export function typedList(className: string, items: unknown[]): unknown[] {
  return setJavaClass([...items], className);
}

/** deepStrictEqual plus: every object/array/Map carries the same Java class, cycles included. */
export function assertHessianEqual(actual: unknown, expected: unknown, path = "value"): void {
  assert.deepStrictEqual(actual, expected, path);
  compareClasses(actual, expected, path, new Set());
}

function compareClasses(actual: unknown, expected: unknown, path: string, seen: Set<unknown>): void {
  if (typeof actual !== "object" || actual === null || seen.has(actual)) return;
  seen.add(actual);
  const a = actual as Record<symbol, unknown>;
  const e = (expected ?? {}) as Record<symbol, unknown>;
  assert.equal(a[JAVA_CLASS], e[JAVA_CLASS], `JAVA_CLASS of ${path}`);
  assert.equal(a[JAVA_MAP_TYPE], e[JAVA_MAP_TYPE], `JAVA_MAP_TYPE of ${path}`);
  if (Array.isArray(actual) && Array.isArray(expected)) {
    for (let i = 0; i < actual.length; i++) compareClasses(actual[i], expected[i], `${path}[${i}]`, seen);
  } else if (actual instanceof Map && expected instanceof Map) {
    for (const [k, v] of actual) compareClasses(v, expected.get(k), `${path}.get(${String(k)})`, seen);
  } else if (!(actual instanceof Date) && !(actual instanceof Uint8Array)) {
    const fields = actual as Record<string, unknown>;
    const expectedFields = expected as Record<string, unknown>;
    for (const key of Object.keys(fields))
      compareClasses(fields[key], expectedFields[key], `${path}.${key}`, seen);
  }
}
