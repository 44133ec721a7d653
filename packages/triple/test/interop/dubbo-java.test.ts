import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, RpcError } from "@dubbo-mesh/triple";
import { type JavaProvider, runJavaConsumer, startJavaProvider } from "../../../../interop/java/peer.js";
import { GreetService } from "../gen/greet/v1/greet_pb.js";
import { collect, greetClient, startServer } from "../support/servers.js";

// Real Dubbo Java 3.3 (interop/java, built from Maven Central) on both sides of our Triple code.

describe("our Triple client -> Dubbo Java provider", { timeout: 240_000 }, () => {
  let provider: JavaProvider;
  before(async () => {
    provider = await startJavaProvider({ group: "g1", version: "1.0.0" });
  });
  after(() => provider?.stop());

  it("unary and server streaming with group and version", async () => {
    const { client, transport } = greetClient(`http://127.0.0.1:${provider.port}`);
    const opts = { group: "g1", version: "1.0.0", timeoutMs: 10_000 };
    assert.equal((await client.greet({ name: "ts" }, opts)).greeting, "Hello, ts from java:g1:1.0.0");
    const stream = await collect(client.greetServerStream({ name: "ts" }, opts));
    // The Java peer's stream answers carry no group/version suffix (interop/java/README.md).
    assert.deepEqual(
      stream.map((r) => r.greeting),
      [1, 2, 3].map((i) => `Hello, ts #${i}`),
    );
    await transport.close();
  });

  it("client and bidi streaming", async () => {
    const { client, transport } = greetClient(`http://127.0.0.1:${provider.port}`);
    async function* names() {
      yield { name: "a" };
      yield { name: "b" };
    }
    const cs = await client.greetClientStream(names(), { group: "g1", version: "1.0.0" });
    assert.match(cs.greeting, /a.*b/);
    const bidi = await collect(client.greetBidiStream(names(), { group: "g1", version: "1.0.0" }));
    assert.equal(bidi.length, 2);
    await transport.close();
  });

  it("a Java exception reaches us as an RpcError with its code (Trailers-Only, HTTP 500)", async () => {
    const { client, transport } = greetClient(`http://127.0.0.1:${provider.port}`);
    const err = await client
      .greet({ name: "error" }, { group: "g1", version: "1.0.0" })
      .catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError, String(err));
    assert.equal(err.code, Code.InvalidArgument);
    await transport.close();
  });

  it("Triple JSON over HTTP/1.1 reaches the Java provider too", async () => {
    const { client, transport } = greetClient(`http://127.0.0.1:${provider.port}`, {
      httpVersion: "1.1",
      codec: "json",
    });
    assert.equal(
      (await client.greet({ name: "h1" }, { group: "g1", version: "1.0.0" })).greeting,
      "Hello, h1 from java:g1:1.0.0",
    );
    await transport.close();
  });
});

describe("Dubbo Java consumer -> our Triple provider", { timeout: 240_000 }, () => {
  it("unary, server, client and bidi streaming, routed by group and version", async () => {
    const s = await startServer((server) => {
      server.register(GreetService, tagged("ts:g1:1.0.0"), { group: "g1", version: "1.0.0" });
      server.register(GreetService, tagged("ts:g2:2.0.0"), { group: "g2", version: "2.0.0" });
    });
    try {
      const r = await runJavaConsumer({
        port: s.port,
        group: "g2",
        version: "2.0.0",
        name: "java",
        calls: ["unary", "server-stream", "client-stream", "bidi"],
      });
      assert.equal(r.code, 0, `consumer failed: ${JSON.stringify(r.results)}\n${r.stderr.slice(-2000)}`);
      const byKind = new Map(r.results.map((x) => [x.kind, x]));
      assert.equal(byKind.get("unary")?.greeting, "Hello, java from ts:g2:2.0.0");
      assert.deepEqual(
        byKind.get("server-stream")?.greetings,
        [1, 2, 3].map((i) => `Hello, java #${i} from ts:g2:2.0.0`),
      );
      assert.equal(byKind.get("client-stream")?.ok, true);
      assert.equal(byKind.get("bidi")?.ok, true);
    } finally {
      await s.server.close({ graceMs: 100 });
    }
  });

  it("an error from our handler reaches the Java consumer with its gRPC code", async () => {
    const s = await startServer((server) => server.register(GreetService, tagged("ts")));
    try {
      const r = await runJavaConsumer({ port: s.port, name: "error", calls: ["unary"] });
      assert.equal(r.code, 1);
      assert.equal(r.results[0]?.ok, false);
      assert.match(String(r.results[0]?.code), /INVALID_ARGUMENT/);
    } finally {
      await s.server.close({ graceMs: 100 });
    }
  });
});

function tagged(tag: string) {
  return {
    greet(req: { name: string }) {
      if (req.name === "error") throw new RpcError(Code.InvalidArgument, "no errors please");
      return { greeting: `Hello, ${req.name} from ${tag}` };
    },
    async *greetServerStream(req: { name: string }) {
      for (let i = 1; i <= 3; i++) yield { greeting: `Hello, ${req.name} #${i} from ${tag}` };
    },
    async greetClientStream(reqs: AsyncIterable<{ name: string }>) {
      const names: string[] = [];
      for await (const r of reqs) names.push(r.name);
      return { greeting: `Hello, ${names.join(", ")} from ${tag}` };
    },
    async *greetBidiStream(reqs: AsyncIterable<{ name: string }>) {
      for await (const r of reqs) yield { greeting: `Hello, ${r.name} from ${tag}` };
    },
  };
}
