// Long strings and large binaries take other paths than small ones: strings through native codecs
// checked for surrogates (native-strings.ts), binaries copied once by finish() instead of into the buffer
// (encoder.ts), chunked binaries joined by the decoder. Their bytes must be what Java writes, and the
// values the caller gets must be theirs alone.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decode, encode, Hessian2Decoder, Hessian2Encoder, HessianDecodeError, java } from "../src/index.js";
import { assertHessianEqual, cesu, javaString, obj } from "./helpers.js";

/** Runs of text that steer the encoder to every path: CJK and Cyrillic (ICU), ASCII (Buffer#write), and
 * what those must not write as UTF-8 does: pairs (lead bytes F0, F3, F4), lone surrogates, U+FFFD. */
const run = fc.oneof(
  fc
    .tuple(fc.constantFrom("中", "服", "ж", "é", "a", " "), fc.integer({ min: 1, max: 5000 }))
    .map(([c, n]) => c.repeat(n)),
  fc.constantFrom("😀", "\u{E0100}", "\u{10FFFD}", "\ud800", "\udbff", "\udc00", "\ufffd", "\u0000"),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
);
const longText = fc.array(run, { minLength: 1, maxLength: 30 }).map((runs) => runs.join(""));

/** A filler that ends right around a chunk boundary, then a special unit or pair, then more text. */
const boundaryText = fc
  .tuple(
    fc.constantFrom("中", "a", "ж"),
    fc.integer({ min: 32764, max: 32770 }),
    fc.constantFrom("😀", "\u{E0100}", "\ud800", "\udc00", "\ufffd", "中"),
    fc.constantFrom("", "b", "中中中", "😀"),
  )
  .map(([filler, n, special, tail]) => filler.repeat(n) + special + tail);

function bytes(n: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));
}

/** Hessian's binary layout, spelled out: 32768-byte 'A' chunks, then the final chunk in its shortest form. */
function javaBinary(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (data.length - offset > 0x8000) {
    parts.push(Buffer.from([0x41, 0x80, 0x00]), data.subarray(offset, offset + 0x8000));
    offset += 0x8000;
  }
  const n = data.length - offset;
  if (n <= 15) parts.push(Buffer.from([0x20 + n]));
  else if (n <= 1023) parts.push(Buffer.from([0x34 + (n >> 8), n & 0xff]));
  else parts.push(Buffer.from([0x42, n >> 8, n & 0xff]));
  parts.push(data.subarray(offset));
  return Buffer.concat(parts);
}

describe("long strings", () => {
  it("are written as Java writes them, whatever path they take", () => {
    fc.assert(
      fc.property(longText, (text) => {
        assert.ok(encode(text).equals(javaString(text)));
        assert.equal(decode(encode(text)), text);
      }),
      { numRuns: 150 },
    );
  });

  it("never split a surrogate pair at a chunk boundary", () => {
    fc.assert(
      fc.property(boundaryText, (text) => {
        assert.ok(encode(text).equals(javaString(text)));
        assert.equal(decode(encode(text)), text);
      }),
      { numRuns: 60 },
    );
  });

  it("read back to exactly their own units when other values follow them", () => {
    // The decoder guesses 3 bytes per unit for CJK text: with shorter characters in the string, that
    // span runs into the next values, and must not be taken.
    fc.assert(
      fc.property(fc.array(longText, { minLength: 2, maxLength: 4 }), (texts) => {
        assert.deepStrictEqual(decode(encode(texts)), texts);
      }),
      { numRuns: 40 },
    );
    // 2000 units in 5996 bytes, then the string "中" (01 e4 b8 ad): the 6000-byte guess is valid UTF-8 and
    // looks like CJK at both ends, but holds 2002 units.
    const tricky = `${"中".repeat(998)}ab${"中".repeat(1000)}`;
    assert.deepStrictEqual(decode(encode([tricky, "中", "中".repeat(2000), 7])), [
      tricky,
      "中",
      "中".repeat(2000),
      7,
    ]);
  });

  it("with a bad byte are refused at that byte, as short ones are", () => {
    const bytes = Buffer.concat([Buffer.from([0x53, 0x07, 0xd0]), cesu("中".repeat(2000))]);
    bytes[3 + 3000] = 0xff;
    const error = (() => {
      try {
        decode(bytes);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(error instanceof HessianDecodeError);
    assert.equal(error.offset, 3003);
    assert.match(error.message, /invalid UTF-8 byte/);
  });

  it("alone in a message, are returned without a copy, and each result is the caller's own", () => {
    const first = encode("中".repeat(5000));
    const again = javaString("中".repeat(5000));
    const encoder = new Hessian2Encoder();
    const second = encoder.write("文".repeat(5000)).finish();
    const third = encoder.write("字".repeat(5000)).finish();
    assert.ok(first.equals(again));
    assert.ok(second.equals(javaString("文".repeat(5000))));
    assert.ok(third.equals(javaString("字".repeat(5000))));
    assert.notEqual(second.buffer, third.buffer);
    assert.equal(decode(second), "文".repeat(5000));
  });

  it("keep their place among other values of one message", () => {
    const long = "服务网格".repeat(3000);
    const encoder = new Hessian2Encoder();
    encoder.write("a").write(long).write(1).write(`${long}😀`).write("z");
    const message = encoder.finish();
    const decoder = new Hessian2Decoder(message);
    for (const expected of ["a", long, 1, `${long}😀`, "z"]) assert.equal(decoder.read(), expected);
    assert.equal(decoder.remaining, 0);
  });

  it("as a class name, survive the class-definition cache across messages", () => {
    // 3000 CJK units: 9000 bytes from ICU, copied at finish() rather than into the buffer.
    const cls = `com.example.${"类".repeat(3000)}`;
    const encoder = new Hessian2Encoder();
    const first = encoder.write(java.object(cls, { a: 1 })).finish();
    const second = encoder.write(java.object(cls, { a: 1 })).finish();
    assert.ok(second.equals(first));
    assertHessianEqual(decode(second), obj(cls, { a: 1 }));
  });
});

describe("large binaries (copied by finish, not by write)", () => {
  for (const n of [8191, 8192, 32768, 32769, 65536, 256 * 1024 + 5]) {
    it(`${n} bytes are laid out in Java's chunks and read back`, () => {
      const data = bytes(n, n);
      const message = encode(data);
      assert.ok(message.equals(javaBinary(data)));
      assert.ok((decode(message) as Buffer).equals(data));
    });
  }

  it("sit between other values, and length counts them before finish()", () => {
    const big = bytes(100_000, 1);
    const encoder = new Hessian2Encoder();
    encoder
      .write("before")
      .write(big)
      .write(["in", bytes(9000, 2), "list"])
      .write("after");
    const length = encoder.length;
    const message = encoder.finish();
    assert.equal(message.length, length);
    const decoder = new Hessian2Decoder(message);
    assert.equal(decoder.read(), "before");
    assert.ok((decoder.read() as Buffer).equals(big));
    assert.deepStrictEqual(decoder.read(), ["in", bytes(9000, 2), "list"]);
    assert.equal(decoder.read(), "after");
    assert.equal(decoder.remaining, 0);
  });

  it("are the caller's again after finish(): changing them does not change the message", () => {
    const data = bytes(50_000, 3);
    const message = encode(data);
    data.fill(0);
    assert.ok((decode(message) as Buffer).equals(bytes(50_000, 3)));
  });

  it("are dropped with a failed message: the encoder's next message does not contain them", () => {
    const encoder = new Hessian2Encoder();
    encoder.write(bytes(40_000, 4));
    assert.throws(() => encoder.write(Symbol("no")), /cannot encode a symbol/);
    assert.equal(encoder.length, 0);
    assert.ok(encoder.write("ok").finish().equals(encode("ok")));
  });

  it("come from ArrayBuffers and Int8Arrays too", () => {
    const data = bytes(20_000, 5);
    const arrayBuffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.length);
    assert.ok(encode(arrayBuffer).equals(encode(data)));
    assert.ok(encode(new Int8Array(arrayBuffer)).equals(encode(data)));
  });
});

describe("decoded binaries", () => {
  const single = bytes(20_000, 6);
  const chunked = bytes(100_000, 7);

  it("are copies by default, one chunk or many", () => {
    for (const data of [single, chunked]) {
      const message = encode(data);
      const value = decode(message) as Buffer;
      message.fill(0);
      assert.ok(value.equals(data));
    }
  });

  it("with copyBinary false are views of a one-chunk input", () => {
    const message = encode(single);
    const value = decode(message, { copyBinary: false }) as Buffer;
    assert.equal(value.buffer, message.buffer);
    message.fill(0, 3);
    assert.equal(
      value.every((b) => b === 0),
      true,
    );
  });

  it("with copyBinary false are still one new Buffer when chunked (no single view can hold them)", () => {
    const message = encode(chunked);
    const value = decode(message, { copyBinary: false }) as Buffer;
    assert.notEqual(value.buffer, message.buffer);
    message.fill(0);
    assert.ok(value.equals(chunked));
  });
});
