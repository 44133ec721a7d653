import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, type HandlerContext, type Interceptor, RpcError, type ServiceImpl } from "@dubbo-mesh/triple";
import { GreetService } from "./gen/greet/v1/greet_pb.js";
import { collect, greetClient, iter, startServer } from "./support/servers.js";

/** A Greeter whose behaviour tests steer through the name: "error", "slow:<ms>", "meta". */
function testImpl(tag: string): ServiceImpl<typeof GreetService> {
  return {
    async greet(req, ctx: HandlerContext) {
      if (req.name === "error") {
        ctx.responseTrailer.set("x-why", "asked-for-it");
        throw new RpcError(Code.InvalidArgument, "name must not be error", {
          details: [{ type: "test.Detail", value: new Uint8Array([1, 2, 3]) }],
        });
      }
      if (req.name.startsWith("slow:")) {
        const ms = Number(req.name.slice(5));
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, ms);
          ctx.signal.addEventListener("abort", () => {
            clearTimeout(t);
            reject(ctx.signal.reason);
          });
        });
      }
      ctx.responseHeader.set("x-tag", tag);
      ctx.responseTrailer.set("x-trailer", "t");
      const echo = ctx.requestHeader.get("x-echo") ?? "";
      return { greeting: `Hello, ${req.name} from ${tag}${echo ? ` echo=${echo}` : ""}` };
    },
    async *greetServerStream(req) {
      for (let i = 1; i <= 3; i++) yield { greeting: `${req.name} #${i} ${tag}` };
    },
    async greetClientStream(reqs) {
      const names: string[] = [];
      for await (const r of reqs) names.push(r.name);
      return { greeting: names.join("+") };
    },
    async *greetBidiStream(reqs) {
      for await (const r of reqs) yield { greeting: r.name.toUpperCase() };
    },
  };
}

const variants = [
  { name: "gRPC proto over HTTP/2", options: {} },
  { name: "gRPC JSON over HTTP/2", options: { codec: "json" as const } },
  { name: "Triple proto over HTTP/2", options: { protocol: "triple" as const } },
  { name: "Triple JSON over HTTP/1.1", options: { httpVersion: "1.1" as const, codec: "json" as const } },
  { name: "gRPC gzip", options: { sendCompression: "gzip" as const, compressMinBytes: 0 } },
];

describe("our client -> our server", () => {
  let baseUrl = "";
  let close: () => Promise<void> = async () => {};
  before(async () => {
    const s = await startServer((server) => {
      server.register(GreetService, testImpl("default"));
      server.register(GreetService, testImpl("g1:v1"), { group: "g1", version: "v1" });
      server.register(GreetService, testImpl("g1:v2"), { group: "g1", version: "v2" });
    });
    baseUrl = s.baseUrl;
    close = () => s.server.close({ graceMs: 100 });
  });
  after(() => close());

  for (const v of variants) {
    describe(v.name, () => {
      it("unary: message, request metadata, response headers and trailers", async () => {
        const { client, transport } = greetClient(baseUrl, v.options);
        let header: string | undefined;
        let trailer: string | undefined;
        const res = await client.greet(
          { name: "ann" },
          {
            headers: { "x-echo": "e1" },
            onHeader: (h) => {
              header = h.get("x-tag");
            },
            onTrailer: (t) => {
              trailer = t.get("x-trailer");
            },
          },
        );
        assert.equal(res.greeting, "Hello, ann from default echo=e1");
        assert.equal(header, "default");
        assert.equal(trailer, "t");
        await transport.close();
      });

      it("unary error: code, message, details and trailers reach the caller", async () => {
        const { client, transport } = greetClient(baseUrl, v.options);
        const err = await client.greet({ name: "error" }).then(
          () => assert.fail("expected an error"),
          (e: unknown) => e as RpcError,
        );
        assert.ok(err instanceof RpcError);
        assert.equal(err.code, Code.InvalidArgument);
        assert.equal(err.rawMessage, "name must not be error");
        assert.equal(err.metadata.get("x-why"), "asked-for-it");
        if (v.options.httpVersion === undefined) {
          assert.deepEqual(
            err.details.map((d) => [d.type, [...d.value]]),
            [["test.Detail", [1, 2, 3]]],
          );
        }
        await transport.close();
      });

      it("group and version select the registration", async () => {
        const { client, transport } = greetClient(baseUrl, v.options);
        assert.equal(
          (await client.greet({ name: "x" }, { group: "g1", version: "v2" })).greeting,
          "Hello, x from g1:v2",
        );
        assert.equal(
          (await client.greet({ name: "x" }, { group: "g1", version: "v1" })).greeting,
          "Hello, x from g1:v1",
        );
        assert.equal((await client.greet({ name: "x" })).greeting, "Hello, x from default");
        const err = await client.greet({ name: "x" }, { group: "nope" }).catch((e: RpcError) => e);
        assert.ok(err instanceof RpcError && err.code === Code.Unimplemented, String(err));
        await transport.close();
      });

      if (v.options.httpVersion === undefined) {
        it("server, client and bidi streaming", async () => {
          const { client, transport } = greetClient(baseUrl, v.options);
          assert.deepEqual(
            (await collect(client.greetServerStream({ name: "s" }))).map((r) => r.greeting),
            ["s #1 default", "s #2 default", "s #3 default"],
          );
          const cs = await client.greetClientStream(iter([{ name: "a" }, { name: "b" }, { name: "c" }]));
          assert.equal(cs.greeting, "a+b+c");
          const bidi = await collect(client.greetBidiStream(iter([{ name: "x" }, { name: "y" }])));
          assert.deepEqual(
            bidi.map((r) => r.greeting),
            ["X", "Y"],
          );
          await transport.close();
        });
      }

      it("deadline: the caller gets DEADLINE_EXCEEDED and the handler's signal aborts", async () => {
        const { client, transport } = greetClient(baseUrl, v.options);
        const err = await client.greet({ name: "slow:2000" }, { timeoutMs: 100 }).catch((e: RpcError) => e);
        assert.ok(err instanceof RpcError);
        assert.equal(err.code, Code.DeadlineExceeded);
        await transport.close();
      });

      it("AbortSignal cancels the call with CANCELED", async () => {
        const { client, transport } = greetClient(baseUrl, v.options);
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 50);
        const err = await client
          .greet({ name: "slow:2000" }, { signal: ac.signal })
          .catch((e: RpcError) => e);
        assert.ok(err instanceof RpcError);
        assert.equal(err.code, Code.Canceled);
        await transport.close();
      });
    });
  }
});

describe("server-side deadline and cancellation", () => {
  it("a handler sees the deadline and an aborted signal when the client goes away", async () => {
    let seenTimeout: number | undefined;
    let aborted: Promise<unknown> = Promise.resolve();
    const s = await startServer((server) =>
      server.register(GreetService, {
        greet(_req, ctx) {
          seenTimeout = ctx.timeoutMs();
          aborted = new Promise((resolve) =>
            ctx.signal.addEventListener("abort", () => resolve(ctx.signal.reason)),
          );
          return new Promise(() => {});
        },
      }),
    );
    const { client, transport } = greetClient(s.baseUrl);
    const ac = new AbortController();
    const call = client
      .greet({ name: "x" }, { timeoutMs: 5000, signal: ac.signal })
      .catch((e: RpcError) => e);
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    const err = await call;
    assert.ok(err instanceof RpcError && err.code === Code.Canceled);
    const reason = await aborted;
    assert.ok(reason instanceof RpcError && reason.code === Code.Canceled, `handler saw ${String(reason)}`);
    assert.ok(
      seenTimeout !== undefined && seenTimeout > 4000 && seenTimeout <= 5000,
      `timeoutMs() was ${seenTimeout}`,
    );
    await transport.close();
    await s.server.close({ graceMs: 100 });
  });
});

describe("interceptors", () => {
  it("client and server interceptors wrap calls in order and can add metadata", async () => {
    const order: string[] = [];
    const serverSide: Interceptor = (next) => async (req) => {
      order.push(`server:${req.method.method}:${req.header.get("x-from-client")}`);
      const res = await next(req);
      res.trailer.set("x-from-server", "yes");
      return res;
    };
    const s = await startServer((server) => server.register(GreetService, testImpl("i")), {
      interceptors: [serverSide],
    });
    const outer: Interceptor = (next) => async (req) => {
      order.push("client-outer");
      req.header.set("x-from-client", "c");
      return next(req);
    };
    const inner: Interceptor = (next) => async (req) => {
      order.push("client-inner");
      return next(req);
    };
    const { client, transport } = greetClient(s.baseUrl, { interceptors: [outer, inner] });
    let trailer: string | undefined;
    await client.greet({ name: "x" }, { onTrailer: (t) => (trailer = t.get("x-from-server")) });
    assert.deepEqual(order, ["client-outer", "client-inner", "server:Greet:c"]);
    assert.equal(trailer, "yes");
    const streamed = await collect(client.greetServerStream({ name: "s" }));
    assert.equal(streamed.length, 3);
    assert.equal(order.at(-1), "server:GreetServerStream:c");
    await transport.close();
    await s.server.close({ graceMs: 100 });
  });
});

describe("message size limits", () => {
  it("a request over the server's limit gets RESOURCE_EXHAUSTED and the connection keeps working", async () => {
    const s = await startServer((server) => server.register(GreetService, testImpl("l")), {
      readMaxBytes: 1024,
    });
    const { client, transport } = greetClient(s.baseUrl);
    const err = await client.greet({ name: "x".repeat(2000) }).catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError && err.code === Code.ResourceExhausted, String(err));
    assert.equal((await client.greet({ name: "ok" })).greeting, "Hello, ok from l");
    await transport.close();
    await s.server.close({ graceMs: 100 });
  });
  it("a response over the client's limit gets RESOURCE_EXHAUSTED", async () => {
    const s = await startServer((server) => server.register(GreetService, testImpl("l")));
    const { client, transport } = greetClient(s.baseUrl, { readMaxBytes: 100 });
    const err = await client.greet({ name: "y".repeat(200) }).catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError && err.code === Code.ResourceExhausted, String(err));
    await transport.close();
    await s.server.close({ graceMs: 100 });
  });
  it("the client refuses to send a request over its own limit", async () => {
    const s = await startServer((server) => server.register(GreetService, testImpl("l")));
    const { client, transport } = greetClient(s.baseUrl, { writeMaxBytes: 10 });
    const err = await client.greet({ name: "z".repeat(50) }).catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError && err.code === Code.ResourceExhausted, String(err));
    await transport.close();
    await s.server.close({ graceMs: 100 });
  });
});

describe("connection failures", () => {
  it("an unreachable server gives UNAVAILABLE naming the address", async () => {
    const { client, transport } = greetClient("http://127.0.0.1:1");
    const err = await client.greet({ name: "x" }).catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError && err.code === Code.Unavailable, String(err));
    assert.match(err.message, /127\.0\.0\.1:1/);
    await transport.close();
  });
});
