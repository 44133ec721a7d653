// Proxyless mode against a control plane we did not write: go-control-plane (interop/go) serving a
// hand-written snapshot to the SDK's xDS client, greeters of ours behind it. Weighted routes, ring-hash
// stickiness on a header, and a control-plane restart mid-traffic that no call may notice (fail static).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, createApp, type DubboApp, RpcError, silentLogger, xdsMesh } from "@dubbo-mesh/dubbo";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { type GoXdsServer, startGoXdsServer } from "../../../interop/go/xds-server.js";
import { apiListener, assignment, edsCluster, routeConfiguration } from "./support/envoy-json.js";
import { GreetService } from "./support/greet.js";
import { type MeshGreeter, startMeshGreeter } from "./support/mesh-greeters.js";
import { countBy, servedBy } from "./support/providers.js";
import { waitUntil } from "./support/wait-until.js";

const NODE = "proxyless~127.0.0.9~shop.demo~demo.svc.cluster.local";

describe("proxyless SDK against go-control-plane", { timeout: 240_000 }, () => {
  let server: GoXdsServer;
  let consumer: DubboApp;
  const greeters: MeshGreeter[] = [];
  let port = 0;
  let host = "";

  /** v1/v2 weighted by `weights`; calls with `x-user` go to a ring-hash cluster of both. */
  function snapshot(weights: readonly [number, number]): object[] {
    const v1 = [{ host: "127.0.0.2", port }];
    const v2 = [{ host: "127.0.0.3", port }];
    return [
      apiListener(host, "greeter-routes"),
      routeConfiguration(
        "greeter-routes",
        [host, "greeter.test"],
        [
          {
            match: { prefix: "/", headers: [{ name: "x-scenario", exact_match: "timeout" }] },
            route: { cluster: "greeter-v1", max_stream_duration: { max_stream_duration: "0.2s" } },
          },
          {
            match: { prefix: "/", headers: [{ name: "x-scenario", exact_match: "breaker" }] },
            route: { cluster: "greeter-limited" },
          },
          {
            match: { prefix: "/", headers: [{ name: "x-user", present_match: true }] },
            route: { cluster: "greeter-ring", hash_policy: [{ header: { header_name: "x-user" } }] },
          },
          {
            match: { prefix: "/greet.v1.GreetService/" },
            route: {
              weighted_clusters: {
                clusters: [
                  { name: "greeter-v1", weight: weights[0] },
                  { name: "greeter-v2", weight: weights[1] },
                ].filter((c) => c.weight > 0),
              },
            },
          },
        ],
      ),
      edsCluster("greeter-v1"),
      edsCluster("greeter-v2"),
      edsCluster("greeter-ring", "RING_HASH"),
      {
        ...edsCluster("greeter-limited"),
        circuit_breakers: { thresholds: [{ priority: "DEFAULT", max_requests: 2 }] },
      },
      assignment("greeter-limited", v1),
      assignment("greeter-v1", v1),
      assignment("greeter-v2", v2),
      assignment("greeter-ring", [...v1, ...v2]),
    ];
  }

  before(async () => {
    greeters.push(await startMeshGreeter("v1", "127.0.0.2"));
    port = greeters[0].port;
    greeters.push(await startMeshGreeter("v2", "127.0.0.3", port));
    host = `greeter.test:${port}`;
    server = await startGoXdsServer();
    await server.setSnapshot(NODE, "1", snapshot([70, 30]));
    consumer = createApp({
      name: "shop",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: {
        mode: "proxyless",
        adapter: xdsMesh({ xdsServer: `127.0.0.1:${server.port}`, node: { id: NODE }, logger: silentLogger }),
      },
    });
  });

  after(async () => {
    await consumer?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await closeSharedXdsClients();
    await Promise.all(greeters.map((g) => g.app.stop({ unregisterWaitMs: 0, drainMs: 100 })));
    await server?.stop();
  });

  it("splits calls by the weighted route (70/30 over 1000 calls, within 0.06)", async () => {
    const greeter = consumer.client(GreetService, { target: `xds:///${host}` });
    const ids: string[] = [];
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => greeter.greet({ name: "x" })));
      for (const r of batch) ids.push(servedBy(r.greeting));
    }
    const counts = countBy(ids);
    const v1 = (counts.v1 ?? 0) / ids.length;
    // sd 0.0145 over 1000 calls: 0.06 is 4.1 sd.
    assert.ok(Math.abs(v1 - 0.7) <= 0.06, `v1 share ${v1} (${JSON.stringify(counts)})`);
  });

  it("keeps each x-user on one endpoint (ring hash), and users spread over both", async () => {
    const greeter = consumer.client(GreetService, { target: `xds:///${host}` });
    const home = new Map<string, string>();
    for (let round = 0; round < 5; round++) {
      for (let u = 0; u < 30; u++) {
        const user = `user-${u}`;
        const r = await greeter.greet({ name: `call ${round}` }, { attachments: { "x-user": user } });
        const by = servedBy(r.greeting);
        if (round === 0) home.set(user, by);
        else assert.equal(by, home.get(user), `${user} moved`);
      }
    }
    assert.deepEqual(new Set(home.values()), new Set(["v1", "v2"]));
  });

  it("takes the route's timeout as the deadline, and fails calls over max_requests with UNAVAILABLE", async () => {
    // The client allows 5 s; the route's max_stream_duration (0.2 s) is shorter and wins. A caller's
    // shorter deadline wins over the route's.
    const greeter = consumer.client(GreetService, { target: `xds:///${host}`, timeout: 5000 });
    const slow = { "x-scenario": "timeout", "x-delay-ms": "1000" };
    const deadline = (ms: RegExp) => (e: unknown) => {
      assert.ok(e instanceof RpcError && e.code === Code.DeadlineExceeded, String(e));
      assert.match(e.message, ms);
      return true;
    };
    await assert.rejects(
      greeter.greet({ name: "x" }, { attachments: slow }),
      deadline(/deadline of (19\d|200) ms/),
    );
    await assert.rejects(
      greeter.greet({ name: "x" }, { attachments: slow, timeoutMs: 50 }),
      deadline(/deadline of (4\d|50) ms/),
    );
    const quick = await greeter.greet(
      { name: "x" },
      { attachments: { "x-scenario": "timeout", "x-delay-ms": "10" } },
    );
    assert.equal(servedBy(quick.greeting), "v1");
    // Six slow calls at once on a cluster that allows two in flight.
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () =>
        greeter.greet({ name: "x" }, { attachments: { "x-scenario": "breaker", "x-delay-ms": "300" } }),
      ),
    );
    const codes = results.map((r) => (r.status === "fulfilled" ? "ok" : (r.reason as RpcError).code));
    assert.deepEqual(codes.filter((c) => c === "ok").length, 2, JSON.stringify(codes));
    assert.deepEqual(codes.filter((c) => c === Code.Unavailable).length, 4, JSON.stringify(codes));
  });

  it("shares one ADS stream among the references and apps of the process", async () => {
    const other = createApp({
      name: "shop-2",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: {
        mode: "proxyless",
        adapter: xdsMesh({ xdsServer: `127.0.0.1:${server.port}`, node: { id: NODE }, logger: silentLogger }),
      },
    });
    try {
      const a = consumer.client(GreetService, { target: `xds:///${host}` });
      const b = consumer.client(GreetService, { providedBy: host });
      const c = other.client(GreetService, { target: `xds:///${host}` });
      for (const client of [a, b, c]) assert.match((await client.greet({ name: "x" })).greeting, /^v[12]: /);
      assert.equal(await server.connections(), 1);
    } finally {
      await other.stop({ unregisterWaitMs: 0, drainMs: 100 });
    }
  });

  it("routes streaming calls by the xDS route too", async () => {
    const greeter = consumer.client(GreetService, { target: `xds:///${host}` });
    for (let i = 0; i < 10; i++) {
      const ids: string[] = [];
      // The `timeout` scenario's route sends everything to greeter-v1.
      for await (const r of greeter.greetServerStream(
        { name: "s" },
        { attachments: { "x-scenario": "timeout" } },
      )) {
        ids.push(servedBy(r.greeting));
      }
      assert.deepEqual(ids, ["v1", "v1"]);
    }
  });

  it("keeps calling through a control-plane restart (0 failed calls), then follows the new snapshot", async () => {
    const greeter = consumer.client(GreetService, { target: `xds:///${host}`, timeout: 2000 });
    let stop = false;
    let ok = 0;
    const failures: string[] = [];
    const traffic = (async () => {
      while (!stop) {
        try {
          await greeter.greet({ name: "x" });
          ok++;
        } catch (e) {
          failures.push(String(e));
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const before = ok;
    await server.restart();
    // The client reconnects (backoff from 1 s) and resubscribes; the restarted server has snapshot "1".
    await waitUntil(async () => (await server.connections()) >= 1, "the client's reconnection", 15_000);
    await server.setSnapshot(NODE, "2", snapshot([0, 100]));
    await waitUntil(
      async () => servedBy((await greeter.greet({ name: "y" })).greeting) === "v2",
      "snapshot 2",
      15_000,
    );
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await traffic;
    assert.deepEqual(failures, []);
    assert.ok(ok > before + 50, `calls went on during the restart (${before} before, ${ok} in all)`);
    for (let i = 0; i < 20; i++) assert.equal(servedBy((await greeter.greet({ name: "z" })).greeting), "v2");
  });
});
