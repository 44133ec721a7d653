// Admission that answers a connection with TLS (what the SDK's xDS server does for a filter chain with
// a DownstreamTlsContext): the plaintext listener hands the socket to a TLS handshake with the given
// settings, then serves HTTP/2 (gRPC) or HTTP/1.1 (Triple unary) by ALPN; calls see the connection as
// encrypted with the client's certificate; verify() can refuse a client after the handshake; a
// plaintext client on such a connection gets nothing. Certificates are made by openssl at test time.
import assert from "node:assert/strict";
import https from "node:https";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { Code, RpcError, type TlsAcceptance } from "@dubbo-mesh/triple";
import { spiffeId, TestPki } from "../../xds/test/support/test-pki.js";
import { GreetService } from "./gen/greet/v1/greet_pb.js";
import { greetClient, startServer } from "./support/servers.js";

describe("admission: TLS chosen per connection on a plaintext port", { timeout: 60_000 }, () => {
  let pki: TestPki;
  let port = 0;
  let close: () => Promise<void>;
  let mode: "tls" | "plain" = "tls";
  const seen: { encrypted: boolean; peer: string | undefined }[] = [];
  const refusals: string[] = [];
  let acceptance: TlsAcceptance;
  const client = { ca: "", cert: "", key: "" };
  const other = { cert: "", key: "" };

  before(async () => {
    pki = new TestPki();
    const server = pki.workload("greeter");
    const c = pki.workload("shop");
    Object.assign(client, { ca: pki.ca.pem, cert: c.cert, key: c.key });
    const o = pki.workload("stranger", "default", pki.newCa("other"));
    Object.assign(other, { cert: o.cert, key: o.key });
    acceptance = {
      options: {
        key: server.key,
        cert: server.cert,
        ca: pki.ca.pem,
        requestCert: true,
        rejectUnauthorized: false,
      },
      verify: (s) => (s.authorized ? undefined : `untrusted client: ${String(s.authorizationError)}`),
      onRefused: (reason) => refusals.push(reason),
    };
    const s = await startServer(
      (srv) => srv.register(GreetService, { greet: (req) => ({ greeting: `hello ${req.name}` }) }),
      {
        admission: {
          accept: (_socket: Socket) => (mode === "tls" ? acceptance : true),
          admit: (call) => {
            seen.push({
              encrypted: call.connection.encrypted,
              peer: call.connection.peerCertificate()?.subjectAltName,
            });
            return undefined;
          },
        },
      },
    );
    port = s.port;
    close = () => s.server.close({ graceMs: 100 });
  });

  after(async () => {
    await close?.();
    pki?.cleanup();
  });

  it("serves gRPC over HTTP/2 after the handshake; calls see the client's certificate", async () => {
    const { client: greeter, transport } = greetClient(`https://127.0.0.1:${port}`, {
      tls: { ...client, checkServerIdentity: () => undefined },
    });
    try {
      assert.equal((await greeter.greet({ name: "tls" })).greeting, "hello tls");
      assert.deepEqual(seen.at(-1), { encrypted: true, peer: `URI:${spiffeId("shop")}` });
    } finally {
      await transport.close();
    }
  });

  it("serves Triple unary over HTTP/1.1 when ALPN says so", async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port,
          method: "POST",
          path: "/greet.v1.GreetService/Greet",
          headers: { "content-type": "application/json" },
          ...client,
          checkServerIdentity: () => undefined,
          agent: false,
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            text += d;
          });
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ name: "h1" }));
    });
    assert.deepEqual(JSON.parse(body), { greeting: "hello h1" });
    assert.equal(seen.at(-1)?.encrypted, true);
  });

  it("verify() refuses a client of another CA after the handshake, and says why", async () => {
    const { client: greeter, transport } = greetClient(`https://127.0.0.1:${port}`, {
      tls: { ca: client.ca, ...other, checkServerIdentity: () => undefined },
    });
    try {
      const err = await greeter.greet({ name: "x" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof RpcError && err.code === Code.Unavailable, String(err));
      assert.match(refusals.at(-1) ?? "", /^untrusted client: /);
    } finally {
      await transport.close();
    }
  });

  it("a plaintext client on a TLS connection gets no HTTP; the same port serves plaintext when admission says so", async () => {
    const { client: plain, transport } = greetClient(`http://127.0.0.1:${port}`);
    try {
      const err = await plain.greet({ name: "x" }).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof RpcError && err.code === Code.Unavailable, String(err));
      assert.match(refusals.at(-1) ?? "", /^TLS handshake failed: /);
      mode = "plain";
      const { client: again, transport: t2 } = greetClient(`http://127.0.0.1:${port}`);
      assert.equal((await again.greet({ name: "plain" })).greeting, "hello plain");
      assert.deepEqual(seen.at(-1), { encrypted: false, peer: undefined });
      await t2.close();
    } finally {
      mode = "tls";
      await transport.close();
    }
  });
});
