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

/** Java's encoding of a string: every UTF-16 unit on its own as 1-3 bytes (CESU-8). */
export function cesu(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Buffer.from(bytes);
}

/**
 * A string as Java's Hessian2Output.writeString writes it, spelled out as the reference for the encoder:
 * 32768-unit 'R' chunks, one unit shorter when the chunk would end on a high surrogate, then the final
 * chunk in its shortest form.
 */
export function javaString(text: string): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  let length = text.length;
  while (length > 0x8000) {
    let sub = 0x8000;
    const tail = text.charCodeAt(start + sub - 1);
    if (tail >= 0xd800 && tail <= 0xdbff) sub--;
    parts.push(Buffer.from([0x52, sub >> 8, sub & 0xff]), cesu(text.slice(start, start + sub)));
    start += sub;
    length -= sub;
  }
  if (length <= 0x1f) parts.push(Buffer.from([length]));
  else if (length <= 0x3ff) parts.push(Buffer.from([0x30 + (length >> 8), length & 0xff]));
  else parts.push(Buffer.from([0x53, length >> 8, length & 0xff]));
  parts.push(cesu(text.slice(start)));
  return Buffer.concat(parts);
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
