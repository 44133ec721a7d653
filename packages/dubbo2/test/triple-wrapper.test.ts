// Triple's wrapper mode: the two protobuf messages byte for byte, and our serializers on both ends of
// our own Triple server and client (the Java side is in java-interop.test.ts).

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { encode, java, setJavaClass } from "@dubbo-mesh/hessian2";
import { createTransport, createTripleServer, RpcError } from "@dubbo-mesh/triple";
import {
  Dubbo2Error,
  decodeRequestWrapper,
  decodeResponseWrapper,
  encodeRequestWrapper,
  encodeResponseWrapper,
  Status,
  tripleWrapperMethod,
  WrapperDecodeError,
} from "../src/index.js";

const DEMO = "org.dubbomesh.interop.DemoService";

describe("wrapper messages", () => {
  it("TripleRequestWrapper: serializeType = 1, args = 2 (repeated bytes), argTypes = 3 (repeated string)", () => {
    const bytes = encodeRequestWrapper({
      serializeType: "hessian4",
      args: [encode("x"), encode(42)],
      argTypes: ["java.lang.String", "int"],
    });
    assert.equal(
      Buffer.from(bytes).toString("hex"),
      "0a08" +
        Buffer.from("hessian4").toString("hex") +
        "12020178" +
        "1201ba" +
        "1a10" +
        Buffer.from("java.lang.String").toString("hex") +
        "1a03" +
        Buffer.from("int").toString("hex"),
    );
    assert.deepEqual(decodeRequestWrapper(bytes), {
      serializeType: "hessian4",
      args: [Buffer.from([0x01, 0x78]), Buffer.from([0xba])],
      argTypes: ["java.lang.String", "int"],
    });
  });

  it("TripleResponseWrapper: serializeType = 1, data = 2, type = 3; long fields use multi-byte lengths", () => {
    const data = encode("y".repeat(300));
    const bytes = encodeResponseWrapper({ serializeType: "hessian4", data, type: "java.lang.String" });
    assert.equal(Buffer.from(bytes.subarray(10, 13)).toString("hex"), "12ae02"); // field 2, length 302
    const back = decodeResponseWrapper(bytes);
    assert.equal(back.type, "java.lang.String");
    assert.deepEqual(Buffer.from(back.data), Buffer.from(data));
  });

  it("skips unknown fields and rejects truncated input", () => {
    const known = encodeResponseWrapper({ serializeType: "hessian4", data: encode(1), type: "int" });
    const withUnknown = Buffer.concat([Buffer.from([0x20, 0x96, 0x01, 0x2d, 1, 2, 3, 4]), known]);
    assert.equal(decodeResponseWrapper(withUnknown).type, "int");
    assert.throws(() => decodeResponseWrapper(known.subarray(0, known.length - 1)), WrapperDecodeError);
    assert.throws(() => decodeRequestWrapper(Buffer.from([0x0a, 0x05, 0x61])), /runs past the end/);
  });
});

describe("wrapper serializers", () => {
  const echoUser = tripleWrapperMethod({
    service: DEMO,
    method: "echoUser",
    parameterTypes: ["org.dubbomesh.interop.User"],
    returnType: "org.dubbomesh.interop.User",
  });

  it("have the shape of a Triple WireMethod", () => {
    assert.equal(echoUser.path, `/${DEMO}/echoUser`);
    assert.deepEqual(echoUser.info, { service: DEMO, method: "echoUser", kind: "unary" });
    const wrapper = decodeRequestWrapper(echoUser.input.proto.serialize([{ name: "a" }]));
    assert.equal(wrapper.serializeType, "hessian4");
    assert.deepEqual(wrapper.argTypes, ["org.dubbomesh.interop.User"]);
    assert.throws(() => echoUser.input.proto.serialize(["a", "b"]), /expected 1 argument, got 2/);
  });

  it("turn a response whose value is a Java exception into a Dubbo2Error", () => {
    const exception = java.exception("java.lang.IllegalArgumentException", "invalid name: error");
    const bytes = encodeResponseWrapper({
      serializeType: "hessian4",
      data: encode(exception),
      type: "java.lang.String",
    });
    assert.throws(
      () => echoUser.output.proto.parse(bytes),
      (e: unknown) =>
        e instanceof Dubbo2Error &&
        e.status === Status.OK &&
        e.exception?.className === "java.lang.IllegalArgumentException" &&
        /threw java\.lang\.IllegalArgumentException: invalid name: error/.test(e.message),
    );
    const returnsThrowable = tripleWrapperMethod({
      service: DEMO,
      method: "m",
      parameterTypes: [],
      returnsThrowable: true,
    });
    assert.ok(returnsThrowable.output.proto.parse(bytes));
    const unsupported = encodeResponseWrapper({
      serializeType: "fastjson2",
      data: Buffer.from("1"),
      type: "int",
    });
    assert.throws(
      () => echoUser.output.proto.parse(unsupported),
      /serializeType "fastjson2" is not supported/,
    );
  });

  it("carry a call through our own Triple server and client, both in wrapper mode", async () => {
    const server = createTripleServer();
    const seen: unknown[] = [];
    server.registerMethod({
      info: echoUser.info,
      input: echoUser.input,
      output: echoUser.output,
      handler: (args: unknown) => {
        seen.push(args);
        return (args as unknown[])[0];
      },
      group: "",
      version: "",
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    const transport = createTransport({ baseUrl: `http://127.0.0.1:${port}` });
    try {
      const user = java.object("org.dubbomesh.interop.User", {
        name: "ts",
        age: 7,
        tags: ["a"],
        birthday: new Date(0),
        balance: java.bigDecimal("0.01"),
      });
      const res = await transport.unary(echoUser, [user], { timeoutMs: 5000 });
      assert.deepEqual(
        res.message,
        setJavaClass(
          { name: "ts", age: 7, tags: ["a"], birthday: new Date(0), balance: java.bigDecimal("0.01") },
          "org.dubbomesh.interop.User",
        ),
      );
      assert.equal(seen.length, 1);
      // A Java exception inside a successful answer fails the call; the Dubbo2Error is the cause.
      const failing = { ...echoUser, path: `/${DEMO}/fail`, info: { ...echoUser.info, method: "fail" } };
      server.registerMethod({
        info: failing.info,
        input: failing.input,
        output: failing.output,
        handler: () =>
          java.exception("org.dubbomesh.interop.DemoException", "demo failure", { fields: { code: 42 } }),
        group: "",
        version: "",
      });
      const err = await transport.unary(failing, ["x"], { timeoutMs: 5000 }).catch((e: unknown) => e);
      assert.ok(err instanceof RpcError, String(err));
      assert.ok(err.cause instanceof Dubbo2Error);
      assert.equal(err.cause.exception?.value.code, 42);
    } finally {
      await transport.close();
      await server.close();
    }
  });
});
