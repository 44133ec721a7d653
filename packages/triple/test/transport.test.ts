import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { Code, RpcError } from "@dubbo-mesh/triple";
import { greeterImpl } from "../../../examples/greeter/src/greeter-impl.js";
import { GreetService } from "./gen/greet/v1/greet_pb.js";
import { collect, greetClient, startServer } from "./support/servers.js";

/** A throwaway self-signed certificate for 127.0.0.1 / localhost, made by the real openssl. */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), "triple-tls-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
}

describe("TLS with ALPN", () => {
  it("serves gRPC over h2 and Triple over HTTP/1.1 on one TLS port", async () => {
    const { key, cert } = selfSigned();
    const s = await startServer((server) => server.register(GreetService, greeterImpl()), {
      tls: { key, cert },
    });
    const baseUrl = `https://localhost:${s.port}`;
    const h2 = greetClient(baseUrl, { tls: { ca: cert } });
    assert.equal((await h2.client.greet({ name: "tls" })).greeting, "Hello, tls");
    assert.equal((await collect(h2.client.greetServerStream({ name: "t" }))).length, 3);
    const h1 = greetClient(baseUrl, { httpVersion: "1.1", codec: "json", tls: { ca: cert } });
    assert.equal((await h1.client.greet({ name: "h1" })).greeting, "Hello, h1");
    const untrusted = greetClient(baseUrl);
    const err = await untrusted.client.greet({ name: "x" }).catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError && err.code === Code.Unavailable, String(err));
    await Promise.all([h2.transport.close(), h1.transport.close(), untrusted.transport.close()]);
    await s.server.close({ graceMs: 100 });
  });
});

describe("connection pooling", () => {
  it("opens another connection when the server's max-concurrent-streams is reached", async () => {
    const ports = new Set<number>();
    const s = await startServer(
      (server) =>
        server.register(GreetService, {
          async greet(req, ctx) {
            ports.add(ctx.peer.port);
            await new Promise((r) => setTimeout(r, 100));
            return { greeting: req.name };
          },
        }),
      { maxConcurrentStreams: 2 },
    );
    const { client, transport } = greetClient(s.baseUrl);
    await client.greet({ name: "warm" }); // learn the server's SETTINGS first
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => client.greet({ name: `c${i}` })));
    assert.deepEqual(
      results.map((r) => r.greeting),
      ["c0", "c1", "c2", "c3", "c4", "c5"],
    );
    assert.ok(ports.size >= 3, `6 concurrent calls with a limit of 2 used ${ports.size} connections`);
    await transport.close();
    await s.server.close({ graceMs: 100 });
  });

  it("an oversized header block fails that call only", async () => {
    const s = await startServer((server) => server.register(GreetService, greeterImpl()), {
      maxHeaderBytes: 4096,
    });
    const { client, transport } = greetClient(s.baseUrl);
    await client.greet({ name: "warm" }); // the limit is announced in the server's SETTINGS
    const err = await client
      .greet({ name: "x" }, { headers: { "x-big": "a".repeat(8000) } })
      .catch((e: RpcError) => e);
    assert.ok(err instanceof RpcError, String(err));
    const other = greetClient(s.baseUrl);
    assert.equal((await other.client.greet({ name: "fine" })).greeting, "Hello, fine");
    await Promise.all([transport.close(), other.transport.close()]);
    await s.server.close({ graceMs: 100 });
  });
});
