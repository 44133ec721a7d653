// Byte-exact vectors: every grammar form, from the spec's examples and from what Java's Hessian2Output
// writes. Encoding must produce exactly the bytes; decoding the bytes must give the values back.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { decode, Hessian2Decoder, Hessian2Encoder } from "../src/index.js";
import { WIRE_VECTORS } from "./corpus.js";
import { assertHessianEqual } from "./helpers.js";

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, 48).toString("hex");
  return bytes.length > 48 ? `${text}... (${bytes.length} bytes)` : text;
}

describe("wire vectors: encode", () => {
  for (const vector of WIRE_VECTORS) {
    const { write } = vector;
    if (write === undefined) continue;
    it(`${vector.source}: ${vector.name}`, () => {
      const encoder = new Hessian2Encoder();
      for (const value of write) encoder.write(value);
      const bytes = encoder.finish();
      assert.equal(preview(bytes), preview(vector.bytes));
      assert.ok(bytes.equals(vector.bytes), "bytes differ beyond the preview");
    });
  }
});

describe("wire vectors: decode", () => {
  for (const vector of WIRE_VECTORS) {
    it(`${vector.source}: ${vector.name}`, () => {
      const decoder = new Hessian2Decoder(vector.bytes, vector.decodeOptions);
      const values = vector.read.map(() => decoder.read());
      assert.equal(decoder.remaining, 0, "every byte consumed");
      assertHessianEqual(values, vector.read);
    });
  }
});

describe("wire vectors: one-shot decode()", () => {
  it("decodes every single-value vector", () => {
    for (const vector of WIRE_VECTORS.filter((v) => v.read.length === 1)) {
      assertHessianEqual(decode(vector.bytes, vector.decodeOptions), vector.read[0], vector.name);
    }
  });
});
