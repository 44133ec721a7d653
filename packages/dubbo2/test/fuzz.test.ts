// Property and fuzz tests (fast-check) for everything that reads bytes off a socket: the frame
// decoder and the request / response body decoders must never throw anything but their own errors,
// never hang, and a valid stream must decode the same however TCP splits it.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { Hessian2Decoder, Hessian2Encoder, java } from "@dubbo-mesh/hessian2";
import fc from "fast-check";
import {
  Dubbo2DecodeError,
  Dubbo2ProtocolError,
  decodeRequestBody,
  decodeResponseBody,
  encodeHeader,
  encodeRequestBody,
  encodeResponseBody,
  FrameDecoder,
  toDescriptor,
} from "../src/index.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 400);

/** Chunk boundaries for a buffer of the given length. */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(bytes.subarray(last, p));
    last = p;
  }
  parts.push(bytes.subarray(last));
  return parts;
}

const frameArb = fc.record({
  flag: fc.integer({ min: 0, max: 255 }),
  status: fc.integer({ min: 0, max: 255 }),
  id: fc.oneof(fc.nat(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
  body: fc.uint8Array({ maxLength: 300 }),
});

const requestArb = fc.record({
  path: fc.string({ minLength: 1, maxLength: 40 }),
  version: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
  method: fc.string({ minLength: 1, maxLength: 20 }),
  args: fc.array(
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 5 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.string(), { maxKeys: 4 }),
      fc.string({ maxLength: 8 }).map((s) => java.object("com.foo.Bean", { s, n: java.long(1) })),
    ),
    { maxLength: 5 },
  ),
  attachments: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 5 }),
});

type GeneratedRequest = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function encodeRequest(req: GeneratedRequest): Buffer {
  return encodeRequestBody(new Hessian2Encoder(), {
    dubboVersion: "2.0.2",
    path: req.path,
    version: req.version,
    method: req.method,
    parameterTypesDesc: toDescriptor(req.args.map(() => "java.lang.Object")),
    args: req.args,
    attachments: req.attachments,
  });
}

/** Runs `decode`; anything thrown must be one of `allowed`. */
function onlyThrows(decode: () => unknown, ...allowed: Array<new (...args: never[]) => Error>): void {
  try {
    decode();
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) throw error;
  }
}

describe("fuzz: frame decoder", () => {
  it("frames any valid stream the same way however it is split", () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const wire = Buffer.concat(
            frames.flatMap((f) => [encodeHeader(f.flag, f.status, f.id, f.body.length), Buffer.from(f.body)]),
          );
          const got: string[] = [];
          const d = new FrameDecoder({
            frame: (h, body) =>
              got.push(`${h.flag}/${h.status}/${String(BigInt(h.id))}/${body.toString("hex")}`),
            oversize: () => assert.fail("no oversize here"),
          });
          for (const part of split(wire, cuts)) d.push(part);
          assert.deepEqual(
            got,
            frames.map(
              (f) =>
                `${f.flag}/${f.status}/${String(BigInt.asIntN(64, BigInt(f.id)))}/${Buffer.from(f.body).toString("hex")}`,
            ),
          );
          assert.equal(d.pending, 0);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("throws only Dubbo2ProtocolError on arbitrary bytes, and buffers at most one frame", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        (bytes, cuts, withMagic) => {
          const input = Buffer.from(bytes);
          if (withMagic && input.length >= 2) {
            input[0] = 0xda;
            input[1] = 0xbb;
          }
          const d = new FrameDecoder({ frame: () => {}, oversize: () => {} }, 1024);
          onlyThrows(() => {
            for (const part of split(input, cuts)) d.push(part);
          }, Dubbo2ProtocolError);
          assert.ok(d.pending <= 16 + 1024, `pending ${d.pending}`);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe("fuzz: request and response bodies", () => {
  it("round-trips generated requests", () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const back = decodeRequestBody(new Hessian2Decoder(), encodeRequest(req));
        assert.equal(back.path, req.path);
        assert.equal(back.method, req.method);
        assert.equal(back.version, req.version);
        assert.equal(back.args.length, req.args.length);
        assert.deepEqual(back.attachments, { ...req.attachments });
      }),
      { numRuns: RUNS },
    );
  });

  it("decodes arbitrary bytes to a request or a Dubbo2DecodeError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => {
        onlyThrows(() => decodeRequestBody(new Hessian2Decoder(), bytes), Dubbo2DecodeError);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it("decodes mutated and truncated valid requests to a request or a Dubbo2DecodeError", () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        (req, flips, cut) => {
          const body = Buffer.from(encodeRequest(req));
          for (const [at, value] of flips) body[at % body.length] = value;
          onlyThrows(() => decodeRequestBody(new Hessian2Decoder(), body), Dubbo2DecodeError);
          onlyThrows(
            () => decodeRequestBody(new Hessian2Decoder(), body.subarray(0, cut % (body.length + 1))),
            Dubbo2DecodeError,
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("decodes arbitrary and mutated response bodies to a response or a Dubbo2DecodeError", () => {
    const valid = encodeResponseBody(
      new Hessian2Encoder(),
      { kind: "value", value: { a: [1, "x", java.bigDecimal("1.5")] } },
      { dubbo: "2.0.2" },
    );
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }))),
        (bytes, flips) => {
          onlyThrows(() => decodeResponseBody(new Hessian2Decoder(), bytes), Dubbo2DecodeError);
          const mutated = Buffer.from(valid);
          for (const [at, value] of flips) mutated[at % mutated.length] = value;
          onlyThrows(() => decodeResponseBody(new Hessian2Decoder(), mutated), Dubbo2DecodeError);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
