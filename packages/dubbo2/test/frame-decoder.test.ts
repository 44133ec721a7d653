// The stream splitter: frames split anywhere by TCP, many per chunk, oversize bodies skipped without
// buffering, unreadable streams reported.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { Dubbo2ProtocolError, encodeHeader, FrameDecoder, type FrameHeader } from "../src/index.js";

interface Seen {
  frames: Array<{ id: string; flag: number; body: string }>;
  oversize: Array<{ id: string; length: number }>;
}

function decoder(maxPayload?: number): { d: FrameDecoder; seen: Seen } {
  const seen: Seen = { frames: [], oversize: [] };
  const d = new FrameDecoder(
    {
      frame: (h: FrameHeader, body) =>
        seen.frames.push({ id: String(h.id), flag: h.flag, body: body.toString("hex") }),
      oversize: (h) => seen.oversize.push({ id: String(h.id), length: h.bodyLength }),
    },
    maxPayload,
  );
  return { d, seen };
}

function frame(id: number, body: Buffer, flag = 0xc2): Buffer {
  return Buffer.concat([encodeHeader(flag, 0, id, body.length), body]);
}

const stream = Buffer.concat([
  frame(1, Buffer.from("first")),
  frame(2, Buffer.alloc(0)),
  frame(3, Buffer.alloc(70_000, 7)),
  frame(4, Buffer.from("last"), 0x02),
]);
const expected = [
  { id: "1", flag: 0xc2, body: Buffer.from("first").toString("hex") },
  { id: "2", flag: 0xc2, body: "" },
  { id: "3", flag: 0xc2, body: Buffer.alloc(70_000, 7).toString("hex") },
  { id: "4", flag: 0x02, body: Buffer.from("last").toString("hex") },
];

describe("frame decoder", () => {
  it("delivers back-to-back frames from one chunk", () => {
    const { d, seen } = decoder();
    d.push(stream);
    assert.deepEqual(seen.frames, expected);
    assert.equal(d.pending, 0);
  });

  it("reassembles frames fed one byte at a time", () => {
    const { d, seen } = decoder();
    for (let i = 0; i < stream.length; i++) d.push(stream.subarray(i, i + 1));
    assert.deepEqual(seen.frames, expected);
  });

  it("gives the same frames for every split into two chunks around the headers", () => {
    for (let cut = 0; cut <= 60; cut++) {
      const { d, seen } = decoder();
      d.push(stream.subarray(0, cut));
      d.push(stream.subarray(cut));
      assert.deepEqual(seen.frames, expected, `cut at ${cut}`);
    }
  });

  it("reports an oversize frame, skips its body across chunks and carries on", () => {
    const { d, seen } = decoder(1000);
    const big = frame(9, Buffer.alloc(5000, 1));
    const next = frame(10, Buffer.from("ok"));
    const all = Buffer.concat([big, next]);
    for (let i = 0; i < all.length; i += 777) d.push(all.subarray(i, i + 777));
    assert.deepEqual(seen.oversize, [{ id: "9", length: 5000 }]);
    assert.deepEqual(seen.frames, [{ id: "10", flag: 0xc2, body: Buffer.from("ok").toString("hex") }]);
  });

  it("accepts a body of exactly the limit", () => {
    const { d, seen } = decoder(4);
    d.push(frame(1, Buffer.from("abcd")));
    assert.equal(seen.frames.length, 1);
    assert.equal(seen.oversize.length, 0);
  });

  it("rejects a stream that does not start with the magic, as early as the first byte", () => {
    const { d } = decoder();
    assert.throws(() => d.push(Buffer.from("G")), Dubbo2ProtocolError);
    const second = decoder();
    second.d.push(frame(1, Buffer.from("x")));
    assert.throws(
      () => second.d.push(Buffer.from("GET / HTTP/1.1\r\n")),
      /expected magic 0xdabb at stream offset 17/,
    );
  });

  it("rejects a negative body length", () => {
    const { d } = decoder();
    const header = encodeHeader(0xc2, 0, 1, 0);
    header.writeInt32BE(-5, 12);
    assert.throws(() => d.push(header), /negative body length -5/);
  });

  it("delivers nothing after stop(), even from the same chunk", () => {
    const seen: string[] = [];
    const d = new FrameDecoder({
      frame: (h) => {
        seen.push(String(h.id));
        d.stop();
      },
      oversize: () => {},
    });
    d.push(stream);
    assert.deepEqual(seen, ["1"]);
  });
});
