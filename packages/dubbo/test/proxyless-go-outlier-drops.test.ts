// Outlier detection and EDS drop_overloads end to end, with go-control-plane (interop/go) as the
// control plane: Cluster.outlier_detection and ClusterLoadAssignment.policy.drop_overloads are plain
// protojson fields of the snapshot. Real Triple providers of ours behind it; one fails every call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, createApp, type DubboApp, RpcError, silentLogger, xdsMesh } from "@dubbo-mesh/dubbo";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { type GoXdsServer, startGoXdsServer } from "../../../interop/go/xds-server.js";
import { apiListener, assignment, edsCluster, routeConfiguration } from "./support/envoy-json.js";
import { GreetService } from "./support/greet.js";
import { servedBy } from "./support/providers.js";

const NODE = "proxyless~127.0.0.9~outliers.demo~demo.svc.cluster.local";

interface Greeter {
  readonly id: string;
  readonly app: DubboApp;
  port: number;
  served: number;
}

/** A greeter on `host:port`; a failing one answers every call with INTERNAL (a 5xx for Envoy). */
async function startGreeter(id: string, host: string, port: number, failing: boolean): Promise<Greeter> {
  const app = createApp({ name: `greeter-${id}`, logger: silentLogger, metrics: false, tracing: false });
  const g: Greeter = { id, app, port, served: 0 };
  app.serve(GreetService, {
    async greet(req) {
      g.served++;
      if (failing) throw new RpcError(Code.Internal, `${id} is broken`);
      return { greeting: `${id}: hello ${req.name}` };
    },
  });
  g.port = (await app.start({ host, port })).port;
  return g;
}

describe("proxyless outlier detection and drop_overloads against go-control-plane", {
  timeout: 240_000,
}, () => {
  let server: GoXdsServer;
  let consumer: DubboApp;
  const greeters: Greeter[] = [];
  let host = "";

  before(async () => {
    greeters.push(await startGreeter("a", "127.0.0.2", 0, false));
    const port = greeters[0].port;
    greeters.push(await startGreeter("b", "127.0.0.3", port, false));
    greeters.push(await startGreeter("broken", "127.0.0.4", port, true));
    host = `outliers.test:${port}`;
    const at = (h: string) => ({ host: h, port });
    server = await startGoXdsServer();
    await server.setSnapshot(NODE, "1", [
      apiListener(host, "outlier-routes"),
      routeConfiguration(
        "outlier-routes",
        [host],
        [
          {
            match: { prefix: "/", headers: [{ name: "x-scenario", exact_match: "drop" }] },
            // Retries on UNAVAILABLE: a dropped call must still not be retried.
            route: { cluster: "shedding", retry_policy: { retry_on: "unavailable", num_retries: 2 } },
          },
          { match: { prefix: "/" }, route: { cluster: "guarded" } },
        ],
      ),
      {
        ...edsCluster("guarded"),
        // A50's failure-percentage detector over 0.5 s intervals; Envoy's consecutive_5xx off, so only
        // the interval's sweep can eject.
        outlier_detection: {
          interval: "0.5s",
          base_ejection_time: "3s",
          max_ejection_percent: 50,
          enforcing_consecutive_5xx: 0,
          enforcing_success_rate: 0,
          failure_percentage_threshold: 50,
          enforcing_failure_percentage: 100,
          failure_percentage_minimum_hosts: 3,
          failure_percentage_request_volume: 5,
        },
      },
      assignment("guarded", [at("127.0.0.2"), at("127.0.0.3"), at("127.0.0.4")]),
      edsCluster("shedding"),
      {
        ...assignment("shedding", [at("127.0.0.2")]),
        policy: {
          drop_overloads: [
            { category: "throttle", drop_percentage: { numerator: 30, denominator: "HUNDRED" } },
          ],
        },
      },
    ]);
    consumer = createApp({
      name: "outliers",
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

  it("stops calling an endpoint that fails every call after an interval, and calls it again after the ejection time", async () => {
    const greeter = consumer.client(GreetService, { target: `xds:///${host}`, timeout: 2000 });
    const broken = greeters[2];
    /** `n` calls, ten at a time: who answered, and how many failed with the broken one's INTERNAL. */
    const round = async (n: number) => {
      const by: string[] = [];
      let failed = 0;
      for (let i = 0; i < n; i += 10) {
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, () => greeter.greet({ name: "x" })),
        );
        for (const r of results) {
          if (r.status === "fulfilled") by.push(servedBy(r.value.greeting));
          else {
            assert.ok(r.reason instanceof RpcError && r.reason.code === Code.Internal, String(r.reason));
            failed++;
          }
        }
      }
      return { by, failed };
    };

    await waitUntil(
      async () => /^[ab]: /.test((await greeter.greet({ name: "w" })).greeting),
      "the configuration",
    );
    // Round robin over three: the broken endpoint gets its share until a sweep ejects it.
    const first = await round(30);
    assert.ok(first.failed > 0, "the broken endpoint takes calls before any sweep");
    await waitUntil(async () => (await round(30)).failed === 0, "the broken endpoint's ejection", 20_000);
    const servedWhenEjected = broken.served;
    const ejected = await round(60);
    assert.equal(ejected.failed, 0);
    assert.equal(broken.served, servedWhenEjected, "no call reaches the ejected endpoint");
    assert.deepEqual(new Set(ejected.by), new Set(["a", "b"]));

    // base_ejection_time 3 s (x1): a later sweep returns it, and it fails calls again.
    await waitUntil(async () => (await round(10)).failed > 0, "the endpoint's return", 20_000);
    assert.ok(broken.served > servedWhenEjected);
  });

  it("drops the drop_overloads share of calls with UNAVAILABLE naming the category, before any endpoint and without retries", async () => {
    const greeter = consumer.client(GreetService, { target: `xds:///${host}`, timeout: 2000 });
    const shedder = greeters[0];
    const drop = { attachments: { "x-scenario": "drop" } };
    // Wait for the shedding route (the first calls may precede the snapshot).
    await waitUntil(async () => {
      try {
        await greeter.greet({ name: "probe" }, drop);
        return false;
      } catch (e) {
        return e instanceof RpcError && /drop_overloads/.test(e.message);
      }
    }, "the shedding cluster");
    const servedBefore = shedder.served;
    const n = 1000;
    let dropped = 0;
    let ok = 0;
    for (let i = 0; i < n; i += 50) {
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, () => greeter.greet({ name: "x" }, drop)),
      );
      for (const r of results) {
        if (r.status === "fulfilled") {
          assert.equal(servedBy(r.value.greeting), "a");
          ok++;
        } else {
          const e = r.reason;
          assert.ok(e instanceof RpcError && e.code === Code.Unavailable, String(e));
          assert.match(e.message, /cluster shedding's drop_overloads \(category "throttle"\)/);
          dropped++;
        }
      }
    }
    assert.equal(ok + dropped, n);
    // 30% dropped; sd over 1000 calls 0.0145, so 0.06 is 4.1 sd. Retried drops would leave ~2.7%.
    assert.ok(Math.abs(dropped / n - 0.3) <= 0.06, `dropped ${dropped} of ${n}`);
    assert.equal(shedder.served - servedBefore, ok, "a dropped call reaches no endpoint");
  });
});

async function waitUntil(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
