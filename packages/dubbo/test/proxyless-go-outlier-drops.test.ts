// Outlier detection and EDS drop_overloads end to end, with go-control-plane (interop/go) as the
// control plane: Cluster.outlier_detection and ClusterLoadAssignment.policy.drop_overloads are plain
// protojson fields of the snapshot. Real Triple providers of ours behind it; one fails every call, and
// one fails until the test fixes it (priority failover while it is ejected).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, createApp, type DubboApp, RpcError, silentLogger, xdsMesh } from "@dubbo-mesh/dubbo";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { type GoXdsServer, startGoXdsServer } from "../../../interop/go/xds-server.js";
import { apiListener, assignment, edsCluster, routeConfiguration } from "./support/envoy-json.js";
import { GreetService } from "./support/greet.js";
import { servedBy } from "./support/providers.js";
import { waitUntil } from "./support/wait-until.js";

const NODE = "proxyless~127.0.0.9~outliers.demo~demo.svc.cluster.local";

interface Greeter {
  readonly id: string;
  readonly app: DubboApp;
  port: number;
  served: number;
  /** Answers every call with INTERNAL while set. */
  failing: boolean;
}

/** A greeter on `host:port`; a failing one answers every call with INTERNAL (a 5xx for Envoy). */
async function startGreeter(id: string, host: string, port: number, failing: boolean): Promise<Greeter> {
  const app = createApp({ name: `greeter-${id}`, logger: silentLogger, metrics: false, tracing: false });
  const g: Greeter = { id, app, port, served: 0, failing };
  app.serve(GreetService, {
    async greet(req) {
      g.served++;
      if (g.failing) throw new RpcError(Code.Internal, `${id} is broken`);
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
    greeters.push(await startGreeter("primary", "127.0.0.5", port, true));
    greeters.push(await startGreeter("backup", "127.0.0.6", port, false));
    host = `outliers.test:${port}`;
    const at = (h: string) => ({ host: h, port });
    const lbEndpoint = (h: string) => ({
      endpoint: { address: { socket_address: { address: h, port_value: port } } },
    });
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
          {
            match: { prefix: "/", headers: [{ name: "x-scenario", exact_match: "failover" }] },
            route: { cluster: "tiered" },
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
      {
        ...edsCluster("tiered"),
        // Envoy's consecutive_5xx at 1: the first failure ejects, for 2 s (x times ejected).
        outlier_detection: {
          interval: "0.5s",
          base_ejection_time: "2s",
          consecutive_5xx: 1,
          enforcing_consecutive_5xx: 100,
          enforcing_success_rate: 0,
        },
      },
      {
        ...assignment("tiered", []),
        endpoints: [
          {
            locality: { zone: "z1" },
            load_balancing_weight: 1,
            priority: 0,
            lb_endpoints: [lbEndpoint("127.0.0.5")],
          },
          {
            locality: { zone: "z2" },
            load_balancing_weight: 1,
            priority: 1,
            lb_endpoints: [lbEndpoint("127.0.0.6")],
          },
        ],
      },
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

  it("fails over to the next priority while every endpoint of the first is ejected, and goes back once it returns", async () => {
    const greeter = consumer.client(GreetService, { target: `xds:///${host}`, timeout: 2000 });
    const failover = { attachments: { "x-scenario": "failover" } };
    const primary = greeters[3];
    /** Who answered the call, or the error's message. */
    const who = async () => {
      try {
        return servedBy((await greeter.greet({ name: "x" }, failover)).greeting);
      } catch (e) {
        assert.ok(e instanceof RpcError, String(e));
        return e.message;
      }
    };
    // The tiered route is there once a call reaches either priority (the first failure ejects P0).
    await waitUntil(async () => /^(backup|.*primary is broken)/.test(await who()), "the tiered cluster");
    await waitUntil(async () => (await who()) === "backup", "the failover to priority 1");
    const servedWhenEjected = primary.served;
    const failedOver: string[] = [];
    for (let i = 0; i < 10; i++) failedOver.push(await who());
    assert.deepEqual(new Set(failedOver), new Set(["backup"]));
    assert.equal(primary.served, servedWhenEjected, "no call reaches the ejected priority-0 endpoint");

    // Fixed: after base_ejection_time (2 s x times ejected) a sweep returns it and calls go back.
    primary.failing = false;
    await waitUntil(async () => (await who()) === "primary", "the return to priority 0", 20_000);
    const back: string[] = [];
    for (let i = 0; i < 10; i++) back.push(await who());
    assert.deepEqual(new Set(back), new Set(["primary"]));
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
