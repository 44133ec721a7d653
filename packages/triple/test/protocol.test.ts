import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  Code,
  EnvelopeParser,
  encodeEnvelope,
  formatGrpcTimeout,
  Metadata,
  parseCode,
  parseGrpcTimeout,
  RpcError,
} from "@dubbo-mesh/triple";

describe("grpc-timeout", () => {
  it("parses every unit and rejects malformed values", () => {
    assert.equal(parseGrpcTimeout("1H"), 3_600_000);
    assert.equal(parseGrpcTimeout("2M"), 120_000);
    assert.equal(parseGrpcTimeout("3S"), 3000);
    assert.equal(parseGrpcTimeout("250m"), 250);
    assert.equal(parseGrpcTimeout("1500u"), 1.5);
    assert.equal(parseGrpcTimeout("2000000n"), 2);
    assert.equal(parseGrpcTimeout("123456789m"), undefined, "more than 8 digits");
    assert.equal(parseGrpcTimeout("10x"), undefined);
    assert.equal(parseGrpcTimeout("m"), undefined);
    assert.equal(parseGrpcTimeout("1.5S"), undefined);
  });
  it("formats into at most 8 digits and round-trips within a unit", () => {
    for (const ms of [1, 999, 5000, 123_456, 99_999_999, 3_600_000_000]) {
      const v = formatGrpcTimeout(ms);
      assert.match(v, /^\d{1,8}[HMSmun]$/);
      assert.ok((parseGrpcTimeout(v) ?? 0) >= ms, `${v} covers ${ms} ms`);
    }
  });
});

describe("envelope parser", () => {
  it("reassembles messages split across chunks and several messages in one chunk", () => {
    const a = encodeEnvelope(Buffer.from("hello"));
    const b = encodeEnvelope(Buffer.from("world!"));
    const all = Buffer.concat([a, b]);
    const parser = new EnvelopeParser(1024);
    const out: { flags: number; data: Buffer }[] = [];
    for (let i = 0; i < all.length; i += 3) parser.push(all.subarray(i, i + 3), out);
    assert.deepEqual(
      out.map((e) => e.data.toString()),
      ["hello", "world!"],
    );
    assert.equal(parser.pendingBytes, 0);
  });
  it("refuses a declared length over the limit before buffering it", () => {
    const parser = new EnvelopeParser(10);
    const header = Buffer.from([0, 0, 0, 0, 11]);
    assert.throws(
      () => parser.push(header, []),
      (e: RpcError) => e.code === Code.ResourceExhausted && /11 bytes/.test(e.message),
    );
  });
  it("rejects unknown flag bits", () => {
    const parser = new EnvelopeParser(10);
    assert.throws(
      () => parser.push(Buffer.from([0x80, 0, 0, 0, 0]), []),
      (e: RpcError) => e.code === Code.Internal,
    );
  });
  it("reports a truncated message as pending bytes", () => {
    const parser = new EnvelopeParser(100);
    parser.push(encodeEnvelope(Buffer.from("abcdef")).subarray(0, 8), []);
    assert.equal(parser.pendingBytes, 8);
  });
});

describe("metadata", () => {
  it("keeps several values, lower-cases keys and base64-encodes -bin values", () => {
    const md = new Metadata({ "X-Trace": "a" });
    md.append("x-trace", "b");
    md.set("blob-bin", new Uint8Array([0, 1, 255]));
    assert.deepEqual(md.getAll("x-trace"), ["a", "b"]);
    assert.equal(md.get("blob-bin"), "AAH/");
    assert.deepEqual([...(md.getBinary("blob-bin") ?? [])], [0, 1, 255]);
  });
  it("refuses binary values under a key without -bin and non-ASCII text", () => {
    assert.throws(() => new Metadata().set("blob", new Uint8Array([1])), /must end with "-bin"/);
    assert.throws(() => new Metadata().set("name", "héllo"), /printable ASCII/);
    assert.throws(() => new Metadata().set("bad key", "x"), /invalid metadata key/);
  });
  it("hides protocol headers of a wire header block", () => {
    const md = Metadata.fromWire({
      ":path": "/a/b",
      "content-type": "application/grpc",
      "grpc-timeout": "1S",
      "x-user": "u",
    });
    assert.deepEqual(md.toJSON(), { "x-user": "u" });
  });
});

describe("codes", () => {
  it("parses numbers, snake_case, UPPER_CASE and the British spelling", () => {
    assert.equal(parseCode(3), Code.InvalidArgument);
    assert.equal(parseCode("3"), Code.InvalidArgument);
    assert.equal(parseCode("invalid_argument"), Code.InvalidArgument);
    assert.equal(parseCode("DEADLINE_EXCEEDED"), Code.DeadlineExceeded);
    assert.equal(parseCode("cancelled"), Code.Canceled);
    assert.equal(parseCode(17), undefined);
    assert.equal(parseCode("nope"), undefined);
  });
  it("RpcError keeps the raw message and prefixes the code", () => {
    const e = new RpcError(Code.NotFound, "no such user");
    assert.equal(e.message, "[not_found] no such user");
    assert.equal(e.rawMessage, "no such user");
    assert.equal(RpcError.from(new Error("boom")).code, Code.Unknown);
  });
});

describe("envelope parser with large split messages", () => {
  it("reassembles a 3 MiB message from 16 KiB chunks, byte for byte, followed by a small one", () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    const all = Buffer.concat([encodeEnvelope(big), encodeEnvelope(Buffer.from("tail"))]);
    const parser = new EnvelopeParser(4 * 1024 * 1024);
    const out: { flags: number; data: Buffer }[] = [];
    for (let i = 0; i < all.length; i += 16384) parser.push(all.subarray(i, i + 16384), out);
    assert.equal(out.length, 2);
    assert.ok(out[0].data.equals(big));
    assert.equal(out[1].data.toString(), "tail");
    assert.equal(parser.pendingBytes, 0);
  });
  it("checks the limit of a message whose header is split across chunks", () => {
    const parser = new EnvelopeParser(100);
    parser.push(Buffer.from([0, 0]), []);
    assert.throws(
      () => parser.push(Buffer.from([0, 1, 0]), []),
      (e: RpcError) => e.code === Code.ResourceExhausted,
    );
  });
});
