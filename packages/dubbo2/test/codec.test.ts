// Byte layouts: header, events, descriptors, protocol versions, request and response bodies, written
// out by hand from Dubbo's ExchangeCodec / DubboCodec so a change in our encoding shows up as bytes.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { Hessian2Decoder, Hessian2Encoder, java, javaClassOf } from "@dubbo-mesh/hessian2";
import {
  DescriptorError,
  Dubbo2DecodeError,
  decodeErrorBody,
  decodeRequestBody,
  decodeResponseBody,
  encodeErrorBody,
  encodeHeader,
  encodeRequestBody,
  encodeResponseBody,
  eventKind,
  FrameDecoder,
  type FrameHeader,
  heartbeatRequest,
  heartbeatResponse,
  looksLikeDubbo2,
  parseDescriptor,
  readonlyEvent,
  Status,
  statusName,
  supportsResponseAttachments,
  toDescriptor,
} from "../src/index.js";

function hex(spec: string): Buffer {
  const out: number[] = [];
  for (const token of spec.match(/"[^"]*"|\S+/g) ?? []) {
    if (token.startsWith('"')) out.push(...Buffer.from(token.slice(1, -1), "latin1"));
    else out.push(...Buffer.from(token, "hex"));
  }
  return Buffer.from(out);
}

function frames(parts: Buffer[]): Array<{ header: FrameHeader; body: Buffer }> {
  const got: Array<{ header: FrameHeader; body: Buffer }> = [];
  const decoder = new FrameDecoder({
    frame: (header, body) => got.push({ header, body: Buffer.from(body) }),
    oversize: () => assert.fail("oversize"),
  });
  for (const p of parts) decoder.push(p);
  return got;
}

const DEMO = "org.dubbomesh.interop.DemoService";

describe("header", () => {
  it("lays out magic, flag, status, id and length big-endian", () => {
    assert.equal(encodeHeader(0xc2, 0, 1, 300).toString("hex"), "dabbc200000000000000000100000" + "12c");
    assert.equal(
      encodeHeader(0x02, 20, 2 ** 40 + 5, 0).toString("hex"),
      "dabb02140000010000000005" + "00000000",
    );
  });

  it("keeps ids beyond 2^53 exact (as bigint) both ways", () => {
    const [f] = frames([encodeHeader(0x02, 20, 2n ** 63n - 1n, 0)]);
    assert.equal(f.header.id, 2n ** 63n - 1n);
    const [g] = frames([encodeHeader(0x02, 20, -1n, 0)]);
    assert.equal(g.header.id, -1n);
    const [h] = frames([encodeHeader(0x02, 20, Number.MAX_SAFE_INTEGER, 0)]);
    assert.equal(h.header.id, Number.MAX_SAFE_INTEGER);
  });

  it("flag bytes of the event frames are Dubbo's (0xE2 heartbeat, 0x22 its answer, 0xA2 readonly)", () => {
    assert.equal(
      Buffer.concat(heartbeatRequest(7)).toString("hex"),
      "dabbe200" + "0000000000000007" + "00000001" + "4e",
    );
    assert.equal(
      Buffer.concat(heartbeatResponse(7)).toString("hex"),
      "dabb2214" + "0000000000000007" + "00000001" + "4e",
    );
    assert.equal(
      Buffer.concat(readonlyEvent(3)).toString("hex"),
      "dabba200" + "0000000000000003" + "00000002" + "0152",
    );
    assert.equal(eventKind(hex("4e")), "heartbeat");
    assert.equal(eventKind(hex("01 52")), "readonly");
    assert.equal(eventKind(hex("01 48")), "heartbeat"); // MOCK_HEARTBEAT_EVENT "H"
    assert.equal(eventKind(hex("01 58")), "other");
  });

  it("detects the magic for protocol sniffing", () => {
    assert.equal(looksLikeDubbo2(hex("da bb c2")), true);
    assert.equal(looksLikeDubbo2(Buffer.from("PRI * HTTP/2.0")), false);
  });

  it("names statuses", () => {
    assert.equal(statusName(Status.BAD_REQUEST), "BAD_REQUEST");
    assert.equal(statusName(Status.SERVER_THREADPOOL_EXHAUSTED_ERROR), "SERVER_THREADPOOL_EXHAUSTED_ERROR");
    assert.equal(statusName(99), "STATUS_99");
    assert.deepEqual(Object.values(Status), [20, 25, 30, 31, 35, 40, 50, 60, 70, 80, 90, 100]);
  });
});

describe("parameter descriptors", () => {
  it("spells Java types as JVM descriptors", () => {
    assert.equal(
      toDescriptor([
        "java.lang.String",
        "int",
        "byte[]",
        "[B",
        "java.lang.String[]",
        "[Ljava.lang.String;",
        "long",
        "boolean",
        "com.foo.User[][]",
      ]),
      "Ljava/lang/String;I[B[B[Ljava/lang/String;[Ljava/lang/String;JZ[[Lcom/foo/User;",
    );
    assert.equal(toDescriptor([]), "");
  });

  it("reads descriptors back as Class.getName() names", () => {
    assert.deepEqual(parseDescriptor("Ljava/lang/String;I[B[Ljava/lang/String;JZ[[Lcom/foo/User;DFSC"), [
      "java.lang.String",
      "int",
      "[B",
      "[Ljava.lang.String;",
      "long",
      "boolean",
      "[[Lcom.foo.User;",
      "double",
      "float",
      "short",
      "char",
    ]);
  });

  it("rejects malformed descriptors and type names", () => {
    for (const bad of ["Ljava/lang/String", "X", "[", "L;", "V", "Lfoo.Bar;"]) {
      assert.throws(() => parseDescriptor(bad), DescriptorError, bad);
    }
    for (const bad of ["", "void", "java.lang.String;", "a b"]) {
      assert.throws(() => toDescriptor([bad]), DescriptorError, bad);
    }
  });
});

describe("protocol versions", () => {
  it("answers with attachments from 2.0.2 to 2.0.99 (Version.isSupportResponseAttachment)", () => {
    for (const v of ["2.0.2", "2.0.10", "2.0.99"]) assert.equal(supportsResponseAttachments(v), true, v);
    for (const v of ["2.0.1", "2.0.0", "1.0.0", "3.0.0", "2.6.3", "", null, undefined, "garbage"]) {
      assert.equal(supportsResponseAttachments(v), false, String(v));
    }
  });
});

describe("request body", () => {
  const bytes = hex(`
    05 "2.0.2"
    30 21 "org.dubbomesh.interop.DemoService"
    05 "1.0.0"
    08 "sayHello"
    12 "Ljava/lang/String;"
    02 "ts"
    48 04 "path" 30 21 "org.dubbomesh.interop.DemoService" 05 "group" 02 "g1" 5a`);

  it("is the seven parts in DubboCodec's order, through one Hessian stream", () => {
    const body = encodeRequestBody(new Hessian2Encoder(), {
      dubboVersion: "2.0.2",
      path: DEMO,
      version: "1.0.0",
      method: "sayHello",
      parameterTypesDesc: "Ljava/lang/String;",
      args: ["ts"],
      attachments: { path: DEMO, group: "g1" },
    });
    assert.equal(body.toString("hex"), bytes.toString("hex"));
  });

  it("decodes back, arguments typed by the descriptor", () => {
    const req = decodeRequestBody(new Hessian2Decoder(), bytes);
    assert.equal(req.dubboVersion, "2.0.2");
    assert.equal(req.path, DEMO);
    assert.equal(req.version, "1.0.0");
    assert.equal(req.method, "sayHello");
    assert.deepEqual(req.parameterTypes, ["java.lang.String"]);
    assert.deepEqual(req.args, ["ts"]);
    assert.deepEqual(req.attachments, { path: DEMO, group: "g1" });
  });

  it("shares class definitions between arguments (one stream)", () => {
    const user = (name: string) => java.object("com.foo.User", { name });
    const body = encodeRequestBody(new Hessian2Encoder(), {
      dubboVersion: "2.0.2",
      path: "p",
      version: null,
      method: "m",
      parameterTypesDesc: "Lcom/foo/User;Lcom/foo/User;",
      args: [user("a"), user("b")],
      attachments: {},
    });
    // One 'C' definition, then two instances by reference 0x60.
    assert.equal(body.toString("hex").split("43").length - 1 >= 1, true);
    assert.equal(body.indexOf(Buffer.from("com.foo.User")), body.lastIndexOf(Buffer.from("com.foo.User")));
    const req = decodeRequestBody(new Hessian2Decoder(), body);
    assert.equal(req.version, null);
    assert.deepEqual(
      req.args.map((a) => (a as { name: string }).name),
      ["a", "b"],
    );
    assert.equal(javaClassOf(req.args[1]), "com.foo.User");
  });

  it("says what is wrong with a bad body", () => {
    const cases: Array<[string, RegExp]> = [
      ["", /ends before the dubbo version/],
      ['05 "2.0.2" 91', /service path is not a string/],
      ['05 "2.0.2" 01 "p" 4e 01 "m" 01 "X"', /bad parameter descriptor/],
      ['05 "2.0.2" 01 "p" 4e 01 "m" 02 "II" 91', /ends after 1 of the 2 arguments/],
      ['05 "2.0.2" 01 "p" 4e 01 "m" 00 78', /attachments are not a map/],
      ['05 "2.0.2" 01 "p" 4e 01 "m" 00 48 01', /hessian2/],
    ];
    for (const [input, message] of cases) {
      assert.throws(
        () => decodeRequestBody(new Hessian2Decoder(), hex(input)),
        (e: unknown) => {
          assert.ok(e instanceof Dubbo2DecodeError, String(e));
          assert.match(e.message, message);
          return true;
        },
      );
    }
  });
});

describe("response body", () => {
  const encoder = new Hessian2Encoder();
  const decoder = new Hessian2Decoder();

  it("writes the flag as a Hessian int, then the value and the attachments", () => {
    const cases: Array<
      [Parameters<typeof encodeResponseBody>[1], Record<string, unknown> | undefined, string]
    > = [
      [{ kind: "value", value: "ok" }, undefined, '91 02 "ok"'],
      [{ kind: "value", value: null }, undefined, "92"],
      [{ kind: "value", value: "ok" }, { dubbo: "2.0.2" }, '94 02 "ok" 48 05 "dubbo" 05 "2.0.2" 5a'],
      [{ kind: "value", value: undefined }, { dubbo: "2.0.2" }, '95 48 05 "dubbo" 05 "2.0.2" 5a'],
      [{ kind: "exception", exception: "e" }, undefined, '90 01 "e"'],
      [{ kind: "exception", exception: "e" }, {}, '93 01 "e" 48 5a'],
    ];
    for (const [outcome, attachments, expected] of cases) {
      const body = encodeResponseBody(encoder, outcome, attachments);
      assert.equal(body.toString("hex"), hex(expected).toString("hex"), expected);
      const back = decodeResponseBody(decoder, body);
      assert.equal(back.kind, outcome.kind);
      assert.deepEqual(back.attachments, attachments ?? {});
    }
  });

  it("decodes a Java exception with its class", () => {
    const body = encodeResponseBody(
      encoder,
      { kind: "exception", exception: java.exception("java.lang.IllegalStateException", "boom") },
      undefined,
    );
    const back = decodeResponseBody(decoder, body);
    assert.equal(back.kind, "exception");
    assert.equal(
      javaClassOf(back.kind === "exception" ? back.exception : null),
      "java.lang.IllegalStateException",
    );
  });

  it("carries a plain string as the error message of a non-OK status", () => {
    const body = encodeErrorBody(encoder, "Fail to decode request due to: x");
    assert.equal(decodeErrorBody(decoder, body), "Fail to decode request due to: x");
    assert.match(decodeErrorBody(decoder, hex("53 ff")), /unreadable error message/);
  });

  it("rejects unknown flags and truncated bodies", () => {
    assert.throws(() => decodeResponseBody(decoder, hex("96")), /unknown response flag 6/);
    assert.throws(() => decodeResponseBody(decoder, hex("91")), /ends before the value/);
    assert.throws(() => decodeResponseBody(decoder, hex('01 "x"')), /flag is not an int/);
    assert.throws(() => decodeResponseBody(decoder, hex("94 91 91")), /attachments are not a map/);
  });
});
