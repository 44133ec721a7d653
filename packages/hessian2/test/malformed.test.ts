// Malformed, truncated and hostile input: always a HessianDecodeError with the offset and what was
// expected; never a hang, another exception type, or an allocation sized by a length field.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decode, encode, Hessian2Decoder, HessianDecodeError, java } from "../src/index.js";
import { WIRE_VECTORS } from "./corpus.js";
import { hex, obj } from "./helpers.js";

function decodeError(bytes: Buffer, options?: Parameters<typeof decode>[1]): HessianDecodeError {
  try {
    decode(bytes, options);
  } catch (error) {
    if (error instanceof HessianDecodeError) return error;
    throw error;
  }
  assert.fail(`decoding ${bytes.toString("hex")} did not fail`);
}

function expectError(bytes: string | Buffer, offset: number, expected: RegExp, message?: RegExp): void {
  const error = decodeError(typeof bytes === "string" ? hex(bytes) : bytes);
  assert.equal(error.offset, offset, `offset of: ${error.message}`);
  assert.match(error.expected, expected);
  if (message !== undefined) assert.match(error.message, message);
  assert.match(error.message, new RegExp(`at offset ${offset}`));
}

describe("truncated input", () => {
  it("every strict prefix of every canonical single-value vector fails with an offset inside the input", () => {
    for (const vector of WIRE_VECTORS.filter((v) => v.read.length === 1)) {
      const bytes = vector.bytes;
      // Long vectors: the interesting cuts are near the start and the end.
      const cuts = new Set<number>();
      for (let i = 0; i < Math.min(bytes.length, 64); i++) cuts.add(i);
      for (let i = Math.max(0, bytes.length - 64); i < bytes.length; i++) cuts.add(i);
      for (const cut of cuts) {
        const error = decodeError(bytes.subarray(0, cut));
        assert.ok(
          error.offset >= 0 && error.offset <= cut,
          `${vector.name} cut at ${cut}: offset ${error.offset}`,
        );
      }
    }
  });

  it("names the missing bytes", () => {
    expectError("49 00 00", 3, /4 more bytes of int/, /unexpected end of input/);
    expectError("4c 00", 2, /8 more bytes of long/);
    expectError("44 00 00 00", 4, /8 more bytes of double/);
    expectError("4a 00", 2, /8 more bytes of date/);
    expectError("", 0, /a value/, /no more input/);
    expectError('05 "abc"', 4, /characters of string/);
    expectError("23 01", 2, /3 bytes of binary/);
    expectError("48 91", 2, /a value/);
    expectError("48", 1, /a map key or 'Z'/);
    expectError("57 90", 2, /a list element or 'Z'/);
    expectError('43 01 "a"', 3, /field count/);
  });
});

describe("malformed input", () => {
  it("rejects codes that start no value", () => {
    expectError("40", 0, /a value/, /0x40 \('@'\)/);
    expectError("45", 0, /a value/, /0x45 \('E'\)/);
    expectError("5a", 0, /a value/, /0x5a \('Z'\)/);
    expectError("78 90 90", 1, /end of input/, /2 trailing bytes/);
  });

  it("rejects references and class indexes that point nowhere", () => {
    expectError("51 90", 0, /a reference below 0/);
    expectError("79 51 91", 1, /a reference below 1/);
    expectError("60", 0, /class definition index below 0/);
    expectError('43 01 "a" 90 4f 91', 4, /class definition index below 1/);
    expectError("72 91 90 90", 1, /type reference below 0/);
  });

  it("rejects a wrong token where the grammar needs a string or an int", () => {
    expectError("43 90", 1, /a string \(class name\)/);
    expectError('43 01 "a" 01 "b"', 3, /an int \(field count\)/);
    expectError('43 01 "a" 91 90', 4, /a string \(field name\)/);
    expectError("58 01", 1, /an int \(list length\)/);
    expectError('52 00 01 "a" 90', 4, /a string chunk/);
    expectError("41 00 01 00 90", 4, /a binary chunk/);
  });

  it("rejects invalid UTF-8", () => {
    expectError("01 ff", 1, /UTF-8/, /0xff/);
    expectError("01 80", 1, /UTF-8/);
    expectError("01 c3 41", 2, /UTF-8/);
    expectError("01 e4 b8", 3, /continuation/);
    expectError("01 f8 80 80 80", 1, /UTF-8/);
    expectError("01 f4 90 80 80", 1, /UTF-8/); // beyond U+10FFFF
    expectError("01 f0 9f 98 80", 1, /inside the string length/, /surrogate pair split/);
    // The same on the long-string path (128 units and more).
    const long = (tail: string) => Buffer.concat([hex("30 c8"), Buffer.from("é".repeat(199)), hex(tail)]);
    expectError(long("ff"), 400, /UTF-8/, /0xff/);
    expectError(long("c3 41"), 401, /UTF-8/);
    expectError(long("e4 b8"), 402, /continuation/);
    expectError(long("f0 9f 98 80"), 400, /inside the string length/);
    expectError(Buffer.concat([hex("30 c8"), Buffer.from("中".repeat(150))]), 452, /characters of string/);
  });

  it("reports trailing bytes unless asked not to", () => {
    expectError("90 90", 1, /end of input/);
    assert.equal(decode(hex("90 90"), { allowTrailing: true }), 0);
  });
});

describe("limits", () => {
  it("checks declared lengths against the input before allocating", () => {
    expectError("58 49 7f ff ff ff", 1, /list length within the 0 bytes left/);
    expectError("58 8f", 1, /list length within/); // negative
    expectError('56 04 "[int" d7 ff ff 90', 6, /list length within the 1 bytes left/);
    expectError("53 ff ff 61", 4, /65535 characters of string/);
    expectError("42 ff ff 61", 4, /65535 bytes of binary/);
    expectError('43 01 "a" 49 7f ff ff ff', 3, /field count within the 0 bytes left/);
  });

  it("limits nesting depth", () => {
    const nested = Buffer.concat([Buffer.alloc(600, 0x79), hex("90")]);
    const error = decodeError(nested);
    assert.equal(error.offset, 512);
    assert.match(error.message, /nested too deeply/);
    assert.equal(decodeError(nested, { maxDepth: 10 }).offset, 10);
    let value = decode(nested, { maxDepth: 600 });
    for (let i = 0; i < 600; i++) value = (value as unknown[])[0] as typeof value;
    assert.equal(value, 0);
  });

  it("turns a JavaScript stack overflow into a decode error", () => {
    const nested = Buffer.alloc(500_000, 0x79);
    const error = decodeError(nested, { maxDepth: Number.POSITIVE_INFINITY });
    assert.ok(error.offset > 0 && error.offset < nested.length);
  });

  it("reads a long run of class definitions without recursion", () => {
    const definition = hex('43 01 "a" 90');
    const bytes = Buffer.concat([...Array.from({ length: 100_000 }, () => definition), hex("60")]);
    const decoder = new Hessian2Decoder(bytes);
    assert.deepStrictEqual(decoder.read(), obj("a", {}));
    assert.equal(decoder.remaining, 0);
  });
});

describe("fuzz", () => {
  const samples = [
    encode({ a: [1, 2.5, "x", null, true], b: new Date(0), c: Buffer.from([1, 2]) }),
    encode([java.object("com.example.User", { name: "n", age: 3, tags: ["a"] }), java.bigDecimal("1.5")]),
    encode(java.exception("java.lang.IllegalStateException", "boom")),
    encode(
      new Map<unknown, unknown>([
        [1, "a"],
        [java.long(2 ** 40), ["x", "😀", "中"]],
      ]),
    ),
    encode({ s: "x".repeat(40), l: 2 ** 45, d: Math.PI, big: 2n ** 62n, e: java.enum("a.E", "X") }),
  ];

  // One decoder for every case, so its caches (recent class definitions) see the mutations too.
  const decoder = new Hessian2Decoder();

  function mustNotThrowOtherwise(bytes: Uint8Array): void {
    try {
      decoder.reset(bytes);
      while (decoder.remaining > 0) decoder.read();
    } catch (error) {
      if (!(error instanceof HessianDecodeError)) throw error;
      assert.ok(error.offset >= 0 && error.offset <= bytes.length);
    }
  }

  it("random bytes decode or fail with HessianDecodeError", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), mustNotThrowOtherwise), { numRuns: 5000 });
  });

  it("mutated valid messages decode or fail with HessianDecodeError", () => {
    const mutation = fc.tuple(
      fc.constantFrom(...samples),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      fc.nat(),
    );
    fc.assert(
      fc.property(mutation, ([sample, changes, cut]) => {
        const bytes = Buffer.from(sample);
        for (const [at, byte] of changes) bytes[at % bytes.length] = byte;
        mustNotThrowOtherwise(bytes);
        mustNotThrowOtherwise(bytes.subarray(0, cut % (bytes.length + 1)));
      }),
      { numRuns: 5000 },
    );
  });
});
