import assert from "node:assert/strict";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { encodeEnvelope } from "@dubbo-mesh/triple";
import { GreetResponseSchema } from "./gen/greet/v1/greet_pb.js";
import { greetClient } from "./support/servers.js";

/**
 * A plain node:http2 server (not ours) that misbehaves on purpose: the first connection answers its
 * first stream and then sends GOAWAY naming only that stream, so streams the client already opened on
 * it are refused; later connections answer normally.
 */
async function goawayServer(): Promise<{
  port: number;
  sessions: () => number;
  pings: () => number;
  close: () => void;
}> {
  let sessions = 0;
  let pings = 0;
  const server = http2.createServer();
  const reply = encodeEnvelope(
    toBinary(GreetResponseSchema, create(GreetResponseSchema, { greeting: "ok" })),
  );
  server.on("session", (session) => {
    sessions++;
    const n = sessions;
    let first = true;
    session.on("ping", () => pings++);
    session.on("stream", (stream) => {
      stream.on("data", () => {});
      stream.on("error", () => {});
      stream.on("end", () => {
        if (n === 1 && first) {
          first = false;
          // Answer this one, then tell the client nothing after it will be processed.
          session.goaway(http2.constants.NGHTTP2_NO_ERROR, stream.id);
        } else if (n === 1) {
          stream.close(http2.constants.NGHTTP2_REFUSED_STREAM);
          return;
        }
        stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
        stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
        stream.end(reply);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    sessions: () => sessions,
    pings: () => pings,
    close: () => server.close(),
  };
}

describe("client connection handling", () => {
  it("calls refused by GOAWAY or REFUSED_STREAM are retried on a new connection, none fail", async () => {
    const srv = await goawayServer();
    const { client, transport } = greetClient(`http://127.0.0.1:${srv.port}`);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => client.greet({ name: `n${i}` })));
    assert.deepEqual(
      results.map((r) => r.greeting),
      Array.from({ length: 10 }, () => "ok"),
    );
    assert.ok(srv.sessions() >= 2, `the client opened a second connection (saw ${srv.sessions()})`);
    await transport.close();
    srv.close();
  });

  it("sends keepalive PINGs on a connection", async () => {
    const srv = await goawayServer();
    const { client, transport } = greetClient(`http://127.0.0.1:${srv.port}`, { pingIntervalMs: 100 });
    await client.greet({ name: "first" }).catch(() => undefined);
    await client.greet({ name: "second" });
    const deadline = Date.now() + 5000;
    while (srv.pings() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(srv.pings() >= 2, `server saw ${srv.pings()} PINGs`);
    await transport.close();
    srv.close();
  });
});
