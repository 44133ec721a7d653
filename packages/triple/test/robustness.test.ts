import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { Code, encodeEnvelope, RpcError } from "@dubbo-mesh/triple";
import { greeterImpl } from "../../../examples/greeter/src/greeter-impl.js";
import { GreetService } from "./gen/greet/v1/greet_pb.js";
import { greetClient, rawH2, startServer } from "./support/servers.js";

const grpcHeaders = {
  ":path": "/greet.v1.GreetService/Greet",
  "content-type": "application/grpc",
  te: "trailers",
};

describe("bad input gets a clear status and disturbs nothing else", () => {
  let baseUrl = "";
  let port = 0;
  let close: () => Promise<void> = async () => {};
  const errors: string[] = [];
  before(async () => {
    const s = await startServer((server) => server.register(GreetService, greeterImpl()), {
      onError: (e, where) => errors.push(`${where}: ${String(e)}`),
    });
    baseUrl = s.baseUrl;
    port = s.port;
    close = () => s.server.close({ graceMs: 100 });
  });
  after(() => close());

  it("invalid protobuf -> INVALID_ARGUMENT naming the message type", async () => {
    const res = await rawH2(baseUrl, grpcHeaders, encodeEnvelope(Buffer.from([0x0a, 0x10, 0x41])));
    assert.equal(res.headers["grpc-status"] ?? res.trailers?.["grpc-status"], String(Code.InvalidArgument));
    assert.match(decodeURIComponent(String(res.headers["grpc-message"])), /greet\.v1\.GreetRequest/);
  });

  it("a truncated message -> INTERNAL 'truncated'", async () => {
    const frame = encodeEnvelope(Buffer.from([0x0a, 0x03, 0x61, 0x62, 0x63]));
    const res = await rawH2(baseUrl, grpcHeaders, frame.subarray(0, 7));
    assert.equal(res.headers["grpc-status"], String(Code.Internal));
    assert.match(decodeURIComponent(String(res.headers["grpc-message"])), /truncated/);
  });

  it("a frame with unknown flag bits -> INTERNAL 'malformed frame'", async () => {
    const res = await rawH2(baseUrl, grpcHeaders, Buffer.from([0x42, 0, 0, 0, 0]));
    assert.equal(res.headers["grpc-status"], String(Code.Internal));
    assert.match(decodeURIComponent(String(res.headers["grpc-message"])), /malformed frame/);
  });

  it("two messages to a unary method -> UNIMPLEMENTED", async () => {
    const one = encodeEnvelope(Buffer.from([0x0a, 0x01, 0x61]));
    const res = await rawH2(baseUrl, grpcHeaders, Buffer.concat([one, one]));
    assert.equal(res.headers["grpc-status"], String(Code.Unimplemented));
  });

  it("a compressed flag without grpc-encoding -> INTERNAL", async () => {
    const res = await rawH2(baseUrl, grpcHeaders, Buffer.from([1, 0, 0, 0, 1, 0]));
    assert.equal(res.headers["grpc-status"], String(Code.Internal));
  });

  it("an unsupported grpc-encoding -> UNIMPLEMENTED with grpc-accept-encoding", async () => {
    const res = await rawH2(
      baseUrl,
      { ...grpcHeaders, "grpc-encoding": "snappy" },
      encodeEnvelope(Buffer.alloc(0)),
    );
    assert.equal(res.headers["grpc-status"], String(Code.Unimplemented));
    assert.equal(res.headers["grpc-accept-encoding"], "gzip");
  });

  it("corrupt gzip data -> INTERNAL", async () => {
    const res = await rawH2(
      baseUrl,
      { ...grpcHeaders, "grpc-encoding": "gzip" },
      Buffer.from([1, 0, 0, 0, 3, 1, 2, 3]),
    );
    assert.equal(res.headers["grpc-status"], String(Code.Internal));
  });

  it("unknown service and unknown method -> UNIMPLEMENTED naming them", async () => {
    const a = await rawH2(
      baseUrl,
      { ...grpcHeaders, ":path": "/no.Such/Greet" },
      encodeEnvelope(Buffer.alloc(0)),
    );
    assert.equal(a.headers["grpc-status"], String(Code.Unimplemented));
    assert.match(decodeURIComponent(String(a.headers["grpc-message"])), /no\.Such\/Greet/);
    const b = await rawH2(
      baseUrl,
      { ...grpcHeaders, ":path": "/greet.v1.GreetService/Nope" },
      encodeEnvelope(Buffer.alloc(0)),
    );
    assert.equal(b.headers["grpc-status"], String(Code.Unimplemented));
  });

  it("invalid JSON on Triple unary -> HTTP 400 with a JSON error body", async () => {
    const res = await rawH2(
      baseUrl,
      { ":path": "/greet.v1.GreetService/Greet", "content-type": "application/json" },
      Buffer.from("{nope"),
    );
    assert.equal(res.headers[":status"], 400);
    const body = JSON.parse(res.body.toString());
    assert.equal(body.code, "invalid_argument");
    assert.equal(body.status, Code.InvalidArgument);
  });

  it("garbage instead of an HTTP request closes that connection only", async () => {
    await new Promise<void>((resolve) => {
      const sock = net.connect(port, "127.0.0.1", () =>
        sock.write("\x00\x01\x02 definitely not http\r\n\r\n"),
      );
      sock.on("data", () => {});
      sock.on("close", () => resolve());
      sock.on("error", () => resolve());
    });
    const garbageH2 = await new Promise<void>((resolve) => {
      const sock = net.connect(port, "127.0.0.1", () =>
        sock.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
      );
      sock.on("data", () => {});
      sock.on("close", () => resolve());
      sock.on("error", () => resolve());
    });
    void garbageH2;
    const { client, transport } = greetClient(baseUrl);
    assert.equal((await client.greet({ name: "still" })).greeting, "Hello, still");
    await transport.close();
  });

  it("a bad stream in the middle of good calls on the same connection does not disturb them", async () => {
    const { client, transport } = greetClient(baseUrl);
    const calls = Array.from({ length: 20 }, (_, i) => client.greet({ name: `n${i}` }));
    const bad = rawH2(baseUrl, grpcHeaders, Buffer.from([0x42, 1, 2]));
    const results = await Promise.all(calls);
    assert.deepEqual(
      results.map((r) => r.greeting),
      Array.from({ length: 20 }, (_, i) => `Hello, n${i}`),
    );
    assert.equal((await bad).headers["grpc-status"], String(Code.Internal));
    await transport.close();
  });
});

describe("graceful shutdown", () => {
  it("in-flight calls finish, new connections are refused, and the client is told UNAVAILABLE", async () => {
    const s = await startServer((server) =>
      server.register(GreetService, {
        async greet(req) {
          await new Promise((r) => setTimeout(r, 300));
          return { greeting: `done ${req.name}` };
        },
      }),
    );
    const { client, transport } = greetClient(s.baseUrl);
    const inflight = client.greet({ name: "a" });
    await new Promise((r) => setTimeout(r, 50));
    const closing = s.server.close({ graceMs: 5000 });
    assert.equal((await inflight).greeting, "done a");
    await closing;
    const err = await client.greet({ name: "late" }).catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError && err.code === Code.Unavailable, String(err));
    await transport.close();
  });

  it("calls still running at the grace deadline are cancelled and their handlers told", async () => {
    let handlerAborted = false;
    const s = await startServer((server) =>
      server.register(GreetService, {
        greet(_req, ctx) {
          return new Promise((_, reject) =>
            ctx.signal.addEventListener("abort", () => {
              handlerAborted = true;
              reject(ctx.signal.reason);
            }),
          );
        },
      }),
    );
    const { client, transport } = greetClient(s.baseUrl);
    const inflight = client.greet({ name: "forever" }).catch((e: RpcError) => e);
    await new Promise((r) => setTimeout(r, 50));
    await s.server.close({ graceMs: 200 });
    const err = await inflight;
    assert.ok(err instanceof RpcError, String(err));
    assert.ok(handlerAborted, "the handler's signal aborted");
    await transport.close();
  });

  it("a client reconnects to a restarted server on the same port", async () => {
    const s1 = await startServer((server) => server.register(GreetService, greeterImpl("one")));
    const { client, transport } = greetClient(s1.baseUrl, { backoff: { initialMs: 10, maxMs: 50 } });
    assert.equal((await client.greet({ name: "a" })).greeting, "Hello, a from one");
    await s1.server.close({ graceMs: 100 });
    const { createTripleServer } = await import("@dubbo-mesh/triple");
    const s2 = createTripleServer();
    s2.register(GreetService, greeterImpl("two"));
    await s2.listen({ host: "127.0.0.1", port: s1.port });
    let greeting = "";
    for (let i = 0; i < 50 && greeting === ""; i++) {
      greeting = await client.greet({ name: "b" }).then(
        (r) => r.greeting,
        async () => {
          await new Promise((r) => setTimeout(r, 20));
          return "";
        },
      );
    }
    assert.equal(greeting, "Hello, b from two");
    await transport.close();
    await s2.close({ graceMs: 100 });
  });
});

describe("shutdown with idle keep-alive connections", () => {
  it("close() ends idle HTTP/1.1 keep-alive connections at once instead of waiting for their timeout", async () => {
    const s = await startServer((server) => server.register(GreetService, greeterImpl()));
    const { client, transport } = greetClient(s.baseUrl, { httpVersion: "1.1", codec: "json" });
    assert.equal((await client.greet({ name: "keep" })).greeting, "Hello, keep");
    const started = Date.now();
    await s.server.close({ graceMs: 20_000 });
    assert.ok(Date.now() - started < 5000, `close took ${Date.now() - started} ms`);
    await transport.close();
  });
});
