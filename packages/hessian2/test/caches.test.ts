// The decoder's and encoder's caches (recent class definitions, map keys, class-definition bytes, class
// prototypes) must be invisible: same results as without them, whatever happens to the inputs afterwards.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { decode, encode, Hessian2Decoder, Hessian2Encoder, java, javaClassOf } from "../src/index.js";
import { assertHessianEqual, hex, obj } from "./helpers.js";

describe("recent class definitions", () => {
  it("tell apart one class name with different field sets across messages", () => {
    const first = encode(java.object("a.X", { a: 1, b: 2 }));
    const second = encode(java.object("a.X", { a: 1, c: 3 }));
    assertHessianEqual(decode(first), obj("a.X", { a: 1, b: 2 }));
    assertHessianEqual(decode(second), obj("a.X", { a: 1, c: 3 }));
    assertHessianEqual(decode(first), obj("a.X", { a: 1, b: 2 }));
  });

  it("keep their own copy of the bytes", () => {
    const bytes = encode(java.object("a.Y", { name: "n" }));
    assertHessianEqual(decode(bytes), obj("a.Y", { name: "n" }));
    // Overwrite the field name in the caller's buffer: a cache holding a view would now see "m".
    const at = bytes.indexOf("name");
    bytes.write("mame", at);
    assertHessianEqual(decode(bytes), obj("a.Y", { mame: "n" }));
  });

  it("serve many classes in one message and between messages", () => {
    const values = Array.from({ length: 100 }, (_, i) => java.object(`p.C${i % 70}`, { [`f${i % 70}`]: i }));
    for (let round = 0; round < 3; round++) {
      const decoded = decode(encode(values)) as unknown[];
      decoded.forEach((value, i) => {
        assertHessianEqual(value, obj(`p.C${i % 70}`, { [`f${i % 70}`]: i }));
      });
    }
  });
});

describe("map key cache", () => {
  it("returns the right key for thousands of distinct keys, twice over", () => {
    const record: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) record[`k${(i * 7919) % 100_000}`] = i;
    const bytes = encode(record);
    assert.deepStrictEqual(decode(bytes), record);
    assert.deepStrictEqual(decode(bytes), record);
  });

  it("leaves non-ASCII, long and non-string keys to the normal path", () => {
    const record = { é: 1, ["x".repeat(25)]: 2, ["y".repeat(24)]: 3, "": 4 };
    assert.deepStrictEqual(decode(encode(record)), record);
    assert.deepStrictEqual(decode(hex('48 91 01 "a" 5a')), new Map([[1, "a"]]));
  });
});

describe("encoder class-definition bytes", () => {
  it("re-emit a definition in every message, and a new one when the fields change", () => {
    const encoder = new Hessian2Encoder();
    const a = encoder.write(java.object("q.A", { x: 1 })).finish();
    const b = encoder.write(java.object("q.A", { x: 1 })).finish();
    const c = encoder.write(java.object("q.A", { y: 1 })).finish();
    assert.equal(a.toString("hex"), b.toString("hex"));
    assert.equal(c.toString("hex"), "4303712e41910179" + "6091");
    assertHessianEqual(new Hessian2Decoder(c).read(), obj("q.A", { y: 1 }));
  });
});

describe("class prototypes", () => {
  it("are shared per class, so decoded objects of a class compare deep-equal", () => {
    const one = decode(encode(java.object("r.S", { v: 1 })));
    const two = decode(encode(java.object("r.S", { v: 1 })));
    assert.deepStrictEqual(one, two);
    assert.equal(Object.getPrototypeOf(one), Object.getPrototypeOf(two));
    assert.equal(javaClassOf(one), "r.S");
    assert.notEqual(
      Object.getPrototypeOf(decode(encode(java.object("r.T", { v: 1 })))),
      Object.getPrototypeOf(one),
    );
  });
});
