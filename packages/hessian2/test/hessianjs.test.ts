// Round trips against hessian.js, the Node implementation most Dubbo users have today, in both directions:
// what we write it must read, what it writes we must read, and where both aim at Java's layout the bytes
// must be identical.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import hessian from "hessian.js";
import { decode, encode, JavaBigDecimal, JavaBigInteger } from "../src/index.js";
import { CROSS_VALUES, WIRE_VECTORS } from "./corpus.js";
import { assertHessianEqual } from "./helpers.js";

describe("ours -> hessian.js", () => {
  for (const value of CROSS_VALUES) {
    it(value.name, () => {
      const decoded = hessian.decode(encode(value.ours), "2.0");
      assert.deepStrictEqual(normalize(decoded), normalize(value.plain));
    });
  }
});

describe("hessian.js -> ours", () => {
  for (const value of CROSS_VALUES) {
    it(value.name, () => {
      assertHessianEqual(decode(hessian.encode(value.hessianjs, "2.0")), value.decoded);
    });
  }
});

describe("same bytes as hessian.js", () => {
  for (const value of CROSS_VALUES.filter((v) => v.sameBytes)) {
    it(value.name, () => {
      assert.equal(
        encode(value.ours).toString("hex"),
        hessian.encode(value.hessianjs, "2.0").toString("hex"),
      );
    });
  }
});

describe("hessian.js reads the canonical wire vectors", () => {
  // hessian.js has no bigint, no variable-length lists and maps Map keys to strings; the rest must agree.
  const readable = WIRE_VECTORS.filter(
    (v) =>
      v.write !== undefined &&
      v.read.length === 1 &&
      v.decodeOptions === undefined &&
      !v.read.some((x) => typeof x === "bigint" || x instanceof Map),
  );
  for (const vector of readable) {
    it(vector.name, () => {
      const theirs = hessian.decode(vector.bytes, "2.0");
      const ours = decode(vector.bytes);
      assert.deepStrictEqual(normalize(theirs), normalize(ours));
    });
  }
});

describe("cycles and shared references", () => {
  it("hessian.js decodes our cyclic object", () => {
    const node: Record<string, unknown> = { name: "n" };
    node.self = node;
    const decoded = hessian.decode(encode(node), "2.0") as Record<string, unknown>;
    assert.equal(decoded.self, decoded);
  });

  it("we decode hessian.js's cyclic object", () => {
    const node: Record<string, unknown> = { name: "n" };
    node.self = node;
    const decoded = decode(hessian.encode(node, "2.0")) as Record<string, unknown>;
    assert.equal(decoded.self, decoded);
  });

  it("shared references stay shared both ways", () => {
    const shared = { x: 1 };
    const ours = decode(hessian.encode([shared, shared, { y: shared }], "2.0")) as Record<string, unknown>[];
    assert.equal(ours[0], ours[1]);
    assert.equal(ours[2].y, ours[0]);
    const theirs = hessian.decode(encode([shared, shared, { y: shared }]), "2.0") as Record<
      string,
      unknown
    >[];
    assert.equal(theirs[0], theirs[1]);
    assert.equal(theirs[2].y, theirs[0]);
  });
});

/**
 * Brings both sides to comparable plain data: Buffers to arrays of bytes, our big-number classes to their
 * field objects (what hessian.js returns for them), Maps to objects with string keys.
 */
function normalize(value: unknown, seen = new Map<unknown, unknown>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (Buffer.isBuffer(value)) return [...value];
  if (value instanceof Date) return value;
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of value) out[String(k)] = normalize(v, seen);
    return out;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(normalize(item, seen));
    return out;
  }
  if (value instanceof JavaBigDecimal) return { value: value.value };
  if (value instanceof JavaBigInteger) {
    // hessian.js has no BigInteger support: it shows the bean fields.
    const mag: number[] = [];
    for (let m = value.value < 0n ? -value.value : value.value; m > 0n; m >>= 32n) {
      mag.unshift(Number(BigInt.asIntN(32, m)));
    }
    return { signum: value.value < 0n ? -1 : value.value > 0n ? 1 : 0, mag };
  }
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  for (const [k, v] of Object.entries(value)) out[k] = normalize(v, seen);
  return out;
}
