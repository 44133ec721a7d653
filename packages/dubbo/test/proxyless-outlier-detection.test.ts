// Outlier detection, priority failover under it, and EDS drop_overloads as pure decisions: a manual
// clock and seeded random drive the detector, so ejection timing is exact and no test sleeps. The
// end-to-end runs with real control planes are in proxyless-go-outlier-drops.test.ts and
// proxyless-streams.test.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, Invoker, RpcError, silentLogger, TransportPool } from "@dubbo-mesh/dubbo";
import type { Transport, UnaryResponse } from "@dubbo-mesh/triple";
import type {
  DropOverloadConfig,
  LocalityEndpointsConfig,
  OutlierDetectionConfig,
  RouteConfig,
  TargetConfig,
  ValidatedCluster,
} from "@dubbo-mesh/xds";
import type { ClusterContext } from "../src/cluster/cluster-strategy.js";
import { endpointKey } from "../src/discovery/endpoint.js";
import { seededRandom } from "../src/loadbalance/seeded-random.js";
import { CircuitBreakers } from "../src/mesh/xds/circuit-breakers.js";
import { ClusterBalancers } from "../src/mesh/xds/cluster-balancers.js";
import { clusterEndpoints } from "../src/mesh/xds/cluster-endpoints.js";
import { DroppedCall, dropCategory } from "../src/mesh/xds/drop-overloads.js";
import type { MeshTarget } from "../src/mesh/xds/mesh-target.js";
import {
  ClusterOutlierDetector,
  detectsOutliers,
  type OutlierClock,
} from "../src/mesh/xds/outlier-detection.js";
import { OutlierDetectors } from "../src/mesh/xds/outlier-detectors.js";
import { XdsClusterStrategy } from "../src/mesh/xds/xds-cluster-strategy.js";
import { fakeInvocation } from "./support/fake-invokers.js";

/** Time moves only when the test says; timers fire in order as it passes them. */
class ManualClock implements OutlierClock {
  t = 0;
  private timers: { at: number; fn: () => void; live: boolean }[] = [];

  now(): number {
    return this.t;
  }

  schedule(fn: () => void, ms: number): () => void {
    const timer = { at: this.t + ms, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }

  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      due.live = false;
      this.t = due.at;
      due.fn();
    }
    this.timers = this.timers.filter((t) => t.live);
    this.t = end;
  }
}

const OFF = { threshold: 5, enforcementPercentage: 0 } as const;

function config(over: Partial<OutlierDetectionConfig>): OutlierDetectionConfig {
  return {
    intervalMs: 10_000,
    baseEjectionTimeMs: 30_000,
    maxEjectionTimeMs: 300_000,
    maxEjectionPercent: 100,
    consecutive5xx: OFF,
    consecutiveGatewayFailure: OFF,
    ...over,
  };
}

const keys = (n: number) => Array.from({ length: n }, (_, i) => `tri://10.0.0.${i + 1}:50051`);

function detector(c: OutlierDetectionConfig, n: number, random: () => number = () => 0) {
  const clock = new ManualClock();
  const d = new ClusterOutlierDetector("outbound|50051||greeter", c, { clock, random });
  d.setEndpoints(keys(n));
  return { d, clock, at: (i: number) => d.entry(keys(n)[i])! };
}

/** `ok` successes and `bad` INTERNAL failures on endpoint `i`. */
function calls(d: ReturnType<typeof detector>, i: number, ok: number, bad: number): void {
  for (let n = 0; n < ok; n++) d.at(i).record(Code.Ok);
  for (let n = 0; n < bad; n++) d.at(i).record(Code.Internal);
}

const fakeInvoker = (key: string) => ({ key }) as unknown as Invoker;

describe("proxyless outlier detection", () => {
  it("ejects by success rate: below mean - stdev x factor, with enough volume and hosts", () => {
    const t = detector(
      config({
        successRateEjection: {
          stdevFactor: 1000,
          enforcementPercentage: 100,
          minimumHosts: 5,
          requestVolume: 10,
        },
      }),
      6,
    );
    for (let i = 0; i < 4; i++) calls(t, i, 20, 0);
    calls(t, 4, 10, 10); // 50%: mean 0.9, stdev 0.2 -> threshold 0.7
    calls(t, 5, 9, 0); // below request_volume: neither counted nor judged
    t.clock.advance(10_000);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((i) => t.at(i).ejected),
      [false, false, false, false, true, false],
    );
    assert.equal(t.d.ejectedCount, 1);

    // Only four hosts with volume: under minimum_hosts, nothing is judged.
    const few = detector(
      config({
        successRateEjection: {
          stdevFactor: 1000,
          enforcementPercentage: 100,
          minimumHosts: 5,
          requestVolume: 10,
        },
      }),
      5,
    );
    for (let i = 0; i < 3; i++) calls(few, i, 20, 0);
    calls(few, 3, 0, 20);
    few.clock.advance(10_000);
    assert.equal(few.d.ejectedCount, 0);
  });

  it("ejects by failure percentage, within max_ejection_percent (one always may go)", () => {
    const fp = { threshold: 50, enforcementPercentage: 100, minimumHosts: 3, requestVolume: 10 };
    const t = detector(config({ failurePercentageEjection: fp, maxEjectionPercent: 34 }), 3);
    calls(t, 0, 10, 0);
    calls(t, 1, 0, 10);
    calls(t, 2, 4, 6); // 60% > 50, but a second ejection would be 67% > 34%
    t.clock.advance(10_000);
    assert.deepEqual([t.at(0).ejected, t.at(1).ejected, t.at(2).ejected], [false, true, false]);

    const tiny = detector(config({ failurePercentageEjection: fp, maxEjectionPercent: 10 }), 3);
    calls(tiny, 2, 0, 10);
    tiny.clock.advance(10_000);
    assert.equal(tiny.at(2).ejected, true, "10% of 3 endpoints still lets one go");

    // Exactly at the threshold is not over it; fewer hosts than minimum_hosts judges nothing.
    const edge = detector(config({ failurePercentageEjection: fp }), 3);
    calls(edge, 0, 5, 5);
    edge.clock.advance(10_000);
    assert.equal(edge.d.ejectedCount, 0);
    const small = detector(config({ failurePercentageEjection: fp }), 2);
    calls(small, 0, 0, 50);
    small.clock.advance(10_000);
    assert.equal(small.d.ejectedCount, 0);
  });

  it("judges each interval by its own counts (the buckets swap)", () => {
    const fp = { threshold: 50, enforcementPercentage: 100, minimumHosts: 1, requestVolume: 10 };
    const t = detector(config({ failurePercentageEjection: fp }), 2);
    calls(t, 0, 0, 6);
    t.clock.advance(10_000); // 6 < request_volume
    calls(t, 0, 0, 6);
    t.clock.advance(10_000); // again 6 in this interval: the first six are not added
    assert.equal(t.at(0).ejected, false);
    calls(t, 0, 0, 10);
    t.clock.advance(10_000);
    assert.equal(t.at(0).ejected, true);
  });

  it("honours the enforcement percentage with the random draw", () => {
    const fp = (p: number) => ({
      threshold: 50,
      enforcementPercentage: p,
      minimumHosts: 1,
      requestVolume: 1,
    });
    const draw = (r: number, p: number) => {
      const t = detector(config({ failurePercentageEjection: fp(p) }), 1, () => r);
      calls(t, 0, 0, 5);
      t.clock.advance(10_000);
      return t.at(0).ejected;
    };
    // A50: a random integer in [0, 100) below the percentage ejects.
    assert.deepEqual(
      [draw(0.29, 30), draw(0.3, 30), draw(0.99, 100), draw(0, 0)],
      [true, false, true, false],
    );
  });

  it("ejects at once on consecutive 5xx (Envoy), and a non-5xx answer ends the run", () => {
    const t = detector(config({ consecutive5xx: { threshold: 3, enforcementPercentage: 100 } }), 3);
    const e = t.at(0);
    e.record(Code.Internal);
    e.record(Code.Unknown);
    e.record(Code.InvalidArgument); // 400: the application's answer, a success here
    e.record(Code.Internal);
    e.record(Code.Unimplemented);
    e.record(Code.Canceled); // the caller's own doing: not counted, does not end the run
    assert.equal(e.ejected, false);
    e.record(Code.DataLoss);
    assert.equal(e.ejected, true, "third 5xx in a row ejects without waiting for the interval");
    assert.equal(t.clock.t, 0);
    assert.equal(e.multiplier, 1);
  });

  it("counts gateway failures (UNAVAILABLE, DEADLINE_EXCEEDED) separately; enforcing defaults to off", () => {
    const on = detector(
      config({
        consecutiveGatewayFailure: { threshold: 2, enforcementPercentage: 100 },
        consecutive5xx: { threshold: 100, enforcementPercentage: 100 },
      }),
      3,
    );
    const e = on.at(1);
    e.record(Code.Unavailable);
    e.record(Code.Internal); // a 5xx that is not a gateway error ends the gateway run
    e.record(Code.DeadlineExceeded);
    assert.equal(e.ejected, false);
    e.record(Code.Unavailable);
    assert.equal(e.ejected, true);

    // Envoy's default enforcing_consecutive_gateway_failure is 0: counted, never enforced.
    const off = detector(
      config({ consecutiveGatewayFailure: { threshold: 2, enforcementPercentage: 0 } }),
      3,
    );
    for (let i = 0; i < 10; i++) off.at(0).record(Code.Unavailable);
    assert.equal(off.at(0).ejected, false);
  });

  it("returns an endpoint after base x times ejected (capped), and the multiplier decays", () => {
    const t = detector(
      config({
        consecutive5xx: { threshold: 1, enforcementPercentage: 100 },
        intervalMs: 10_000,
        baseEjectionTimeMs: 30_000,
        maxEjectionTimeMs: 50_000,
      }),
      3,
    );
    const e = t.at(0);
    e.record(Code.Internal);
    assert.equal(e.ejected, true);
    t.clock.advance(20_000);
    assert.equal(e.ejected, true, "20 s of 30");
    t.clock.advance(10_000);
    assert.equal(e.ejected, false, "back after 30 s (1 x base)");
    assert.equal(e.multiplier, 1);

    e.record(Code.Internal); // ejected again at 30 s: 2 x base = 60 s, capped at max 50 s
    assert.equal(e.multiplier, 2);
    t.clock.advance(40_000);
    assert.equal(e.ejected, true, "40 s of 50");
    t.clock.advance(10_000);
    assert.equal(e.ejected, false, "back after max_ejection_time");

    // Each interval out of ejection takes one off the multiplier.
    t.clock.advance(10_000);
    assert.equal(e.multiplier, 1);
    t.clock.advance(10_000);
    assert.equal(e.multiplier, 0);
    t.clock.advance(10_000);
    assert.equal(e.multiplier, 0);
  });

  it("leaves ejected endpoints out of picks (one array per change), and fails none when none is ejected", () => {
    const t = detector(config({ consecutive5xx: { threshold: 1, enforcementPercentage: 100 } }), 3);
    const members = keys(3).map(fakeInvoker);
    assert.equal(t.d.usable(members), members, "the same array while nothing is ejected");
    t.at(1).record(Code.Internal);
    const usable = t.d.usable(members);
    assert.deepEqual(
      usable.map((i) => i.key),
      [keys(3)[0], keys(3)[2]],
    );
    assert.equal(t.d.usable(members), usable, "kept until the ejections change");
    t.at(0).record(Code.Internal);
    t.at(2).record(Code.Internal);
    assert.deepEqual(t.d.usable(members), [], "max_ejection_percent 100: all may go (calls then fail)");
  });

  it("keeps state across EDS updates for endpoints that stay, drops it for those that leave", () => {
    const t = detector(config({ consecutive5xx: { threshold: 1, enforcementPercentage: 100 } }), 3);
    const [a, b, c] = keys(3);
    t.d.entry(a)!.record(Code.Internal);
    t.d.entry(b)!.record(Code.Internal);
    t.d.entry(c)!.record(Code.Ok);
    assert.equal(t.d.ejectedCount, 2);
    t.d.setEndpoints([a, c, "tri://10.0.0.9:50051"]);
    assert.equal(t.d.entry(a)!.ejected, true, "a stays, ejected");
    assert.equal(t.d.entry(c)!.successes, 1, "c keeps its counts");
    assert.equal(t.d.entry(b), undefined);
    assert.equal(t.d.ejectedCount, 1);
    assert.equal(t.d.size, 3);
    // An attempt still in flight on c when it leaves reports into nothing.
    const inFlight = t.d.entry(c)!;
    t.d.setEndpoints([a]);
    inFlight.record(Code.Internal);
    assert.equal(t.d.ejectedCount, 1);
    t.d.setEndpoints([c]);
    t.d.setEndpoints([a, c]);
    assert.equal(t.d.entry(a)!.ejected, false, "a left and came back: a fresh entry");
    assert.equal(t.d.ejectedCount, 0);
  });

  it("keeps its timer's phase across configuration updates unless the interval changes (A50)", () => {
    const fp = { threshold: 50, enforcementPercentage: 100, minimumHosts: 1, requestVolume: 1 };
    const t = detector(config({ failurePercentageEjection: fp, intervalMs: 10_000 }), 1);
    t.clock.advance(4_000);
    t.d.setConfig(config({ failurePercentageEjection: fp, intervalMs: 10_000 }));
    calls(t, 0, 0, 3);
    t.clock.advance(6_000); // the first sweep still comes at 10 s
    assert.equal(t.at(0).ejected, true);

    const u = detector(config({ failurePercentageEjection: fp, intervalMs: 10_000 }), 1);
    u.clock.advance(4_000);
    u.d.setConfig(config({ failurePercentageEjection: fp, intervalMs: 5_000 }));
    calls(u, 0, 0, 3);
    u.clock.advance(999);
    assert.equal(u.at(0).ejected, false);
    u.clock.advance(1); // 5 s interval, 4 s of it gone: the sweep comes 1 s later
    assert.equal(u.at(0).ejected, true);
    assert.equal(u.clock.pending, 1);
    u.d.close();
    assert.equal(u.clock.pending, 0);
  });

  it("makes one detector per cluster for the adapter, only where a detector is on, and ends unused ones", () => {
    const clock = new ManualClock();
    const registry = new OutlierDetectors({ clock, random: () => 0 });
    const cluster = (name: string, od?: OutlierDetectionConfig) =>
      ({ name, ...(od === undefined ? {} : { outlierDetection: od }) }) as unknown as ValidatedCluster;
    const on = config({ consecutive5xx: { threshold: 5, enforcementPercentage: 100 } });
    assert.equal(detectsOutliers(config({})), false);
    const hostA = {};
    const hostB = {};
    assert.equal(registry.use(hostA, cluster("plain"), keys(2)), undefined);
    assert.equal(registry.use(hostA, cluster("off", config({})), keys(2)), undefined);
    const scopeA = registry.beginUpdate(hostA);
    const da = registry.use(hostA, cluster("c1", on), keys(2));
    scopeA.end();
    const scopeB = registry.beginUpdate(hostB);
    const db = registry.use(hostB, cluster("c1", on), keys(2));
    scopeB.end();
    assert.ok(da !== undefined && da === db, "hosts share the cluster's detector");
    assert.equal(clock.pending, 1);
    registry.beginUpdate(hostA).end(); // host A no longer reaches c1; B still does
    assert.equal(clock.pending, 1);
    registry.forget(hostB);
    assert.equal(clock.pending, 0, "the last user gone: the detector's timer stops");
  });
});

/**
 * A target whose one route sends every call to one EDS cluster with a locality per priority, one
 * endpoint per host given; the parts of a TargetConfig the call path reads.
 */
function priorityTarget(hosts: readonly (readonly string[])[], od?: OutlierDetectionConfig): TargetConfig {
  const name = "outbound|50051||greeter";
  const cluster = {
    name,
    lbPolicy: { kind: "round_robin" },
    maxRequests: 1024,
    ...(od === undefined ? {} : { outlierDetection: od }),
  } as unknown as ValidatedCluster;
  const priorities: LocalityEndpointsConfig[][] = hosts.map((list, priority) => [
    {
      locality: { region: "r", zone: `z${priority}`, subZone: "" },
      weight: 1,
      priority,
      endpoints: list.map((host) => ({
        address: { host, port: 50051 },
        additionalAddresses: [],
        health: "HEALTHY",
        usable: true,
        weight: 1,
        hostname: "",
      })),
    },
  ]);
  const route = {
    name: "all",
    match: { path: { kind: "prefix", prefix: "/" }, caseSensitive: true, headers: [], queryParameters: [] },
    action: { kind: "cluster", cluster: name, hashPolicies: [] },
    filterOverrides: {},
  } as unknown as RouteConfig;
  const leaf = { name, cluster, endpointsState: "ok", priorities };
  return {
    target: "greeter:50051",
    routeConfiguration: { name: "routes", virtualHosts: [], filterOverrides: {} },
    virtualHost: { name: "greeter", domains: ["*"], routes: [route], filterOverrides: {} },
    routes: [route],
    httpFilters: [],
    clusters: new Map([[name, { ok: true, name, cluster, leaves: [leaf] }]]),
  } as unknown as TargetConfig;
}

/** Providers that answer in memory: a host in `broken` fails every call with INTERNAL. */
class MockProviders {
  readonly broken = new Set<string>();
  readonly served = new Map<string, number>();
  private readonly pool = new TransportPool();

  invoker(key: string, host: string): Invoker {
    const transport = {
      unary: () => {
        this.served.set(host, (this.served.get(host) ?? 0) + 1);
        if (this.broken.has(host)) return Promise.reject(new RpcError(Code.Internal, `${host} is broken`));
        return Promise.resolve({ stream: false, message: host } as unknown as UnaryResponse);
      },
    } as unknown as Transport;
    const invoker = new Invoker(
      key,
      { host, port: 50051, protocol: "tri", weight: 1, metadata: {} },
      this.pool,
    );
    invoker.transport = () => transport;
    return invoker;
  }
}

/**
 * The whole xDS call path over in-memory providers (mock transports): clusterEndpoints as MeshTarget
 * applies a configuration, the adapter's detectors, the strategy's pick; a manual clock.
 */
function priorityCalls(hosts: readonly (readonly string[])[], od?: OutlierDetectionConfig) {
  const clock = new ManualClock();
  const detectors = new OutlierDetectors({ clock, random: () => 0 });
  const config = priorityTarget(hosts, od);
  const user = {};
  const { clusters, endpoints } = clusterEndpoints(config, (c, k) => detectors.use(user, c, k));
  const providers = new MockProviders();
  const invokers = endpoints.map((e) => providers.invoker(endpointKey(e), e.host));
  const target = { host: "greeter:50051", state: { ok: true, config, clusters } } as unknown as MeshTarget;
  const strategy = new XdsClusterStrategy({
    target,
    balancers: new ClusterBalancers(() => 0),
    breakers: new CircuitBreakers(),
    random: () => 0,
  });
  const ctx = { list: () => invokers, logger: silentLogger } as unknown as ClusterContext;
  /** One call: the host that answered, or the error (`[code] message`). */
  const call = async (): Promise<string> => {
    try {
      return String((await strategy.invoke(ctx, fakeInvocation())).message);
    } catch (e) {
      assert.ok(e instanceof RpcError, String(e));
      return e.message;
    }
  };
  const calls = async (n: number): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(await call());
    return out;
  };
  const ce = clusters.get("outbound|50051||greeter");
  assert.ok(ce?.ok);
  return { clock, providers, endpoints, ce, call, calls, detectors };
}

describe("proxyless priority failover under outlier detection", () => {
  const od = config({
    consecutive5xx: { threshold: 1, enforcementPercentage: 100 },
    intervalMs: 10_000,
    baseEjectionTimeMs: 30_000,
  });

  it("fails over to the next priority while every endpoint of the first is ejected, and comes back when one returns (mock transports)", async () => {
    const t = priorityCalls([["10.0.0.1"], ["10.0.1.1", "10.0.1.2"]], od);
    assert.equal(t.ce.outlier?.size, 3, "the detector sees the endpoints of every priority");
    assert.deepEqual(
      t.endpoints.map((e) => e.host),
      ["10.0.0.1", "10.0.1.1", "10.0.1.2"],
    );
    assert.deepEqual(await t.calls(3), ["10.0.0.1", "10.0.0.1", "10.0.0.1"], "P0 takes every call");

    t.providers.broken.add("10.0.0.1");
    assert.match(await t.call(), /^\[internal\] 10\.0\.0\.1 is broken/);
    assert.equal(t.ce.outlier?.entry("tri://10.0.0.1:50051")?.ejected, true);
    const failedOver = await t.calls(4);
    assert.deepEqual(new Set(failedOver), new Set(["10.0.1.1", "10.0.1.2"]), "P1, round robin");
    assert.equal(t.providers.served.get("10.0.0.1"), 4, "no call reaches the ejected endpoint");

    // Fixed, but still ejected until the sweep after base_ejection_time (30 s) returns it.
    t.providers.broken.delete("10.0.0.1");
    t.clock.advance(20_000);
    assert.deepEqual(new Set(await t.calls(2)), new Set(["10.0.1.1", "10.0.1.2"]));
    t.clock.advance(10_000);
    assert.deepEqual(await t.calls(3), ["10.0.0.1", "10.0.0.1", "10.0.0.1"], "back on P0");
  });

  it("fails UNAVAILABLE only when every endpoint of every priority is ejected, and skips to the first priority with one left (mock transports)", async () => {
    const t = priorityCalls([["10.0.0.1"], ["10.0.1.1"], ["10.0.2.1"]], od);
    t.providers.broken.add("10.0.0.1");
    t.providers.broken.add("10.0.1.1");
    assert.match(await t.call(), /10\.0\.0\.1 is broken/);
    assert.match(await t.call(), /10\.0\.1\.1 is broken/, "P0 ejected: P1");
    assert.deepEqual(await t.calls(2), ["10.0.2.1", "10.0.2.1"], "P0 and P1 ejected: P2");
    t.providers.broken.add("10.0.2.1");
    assert.match(await t.call(), /10\.0\.2\.1 is broken/);
    assert.equal(
      await t.call(),
      "[unavailable] every endpoint of cluster outbound|50051||greeter (in all 3 priorities) is ejected by outlier detection",
    );
    // The first to return takes the calls again, whichever priority it is in.
    t.providers.broken.clear();
    t.clock.advance(30_000);
    assert.deepEqual(await t.calls(2), ["10.0.0.1", "10.0.0.1"]);
  });

  it("keeps only the chosen priority of a cluster without outlier detection (no change for it) (mock transports)", async () => {
    const t = priorityCalls([["10.0.0.1"], ["10.0.1.1"]]);
    assert.equal(t.ce.outlier, undefined);
    assert.deepEqual(t.ce.priorities, [["tri://10.0.0.1:50051"]]);
    assert.deepEqual(
      t.endpoints.map((e) => e.host),
      ["10.0.0.1"],
      "the lower priority is not in the directory",
    );
    t.providers.broken.add("10.0.0.1");
    assert.deepEqual(await t.calls(3), [
      "[internal] 10.0.0.1 is broken",
      "[internal] 10.0.0.1 is broken",
      "[internal] 10.0.0.1 is broken",
    ]);
  });
});

describe("proxyless EDS drop_overloads", () => {
  const drops: DropOverloadConfig[] = [
    { category: "lb", fraction: { numerator: 10, denominator: 100 } },
    { category: "throttle", fraction: { numerator: 200_000, denominator: 1_000_000 } },
  ];

  it("draws each category in order with its own fraction (seeded: 10% lb, then 20% of the rest)", () => {
    const random = seededRandom(42);
    const n = 20_000;
    const counts: Record<string, number> = { lb: 0, throttle: 0, none: 0 };
    for (let i = 0; i < n; i++) counts[dropCategory(drops, random) ?? "none"]++;
    // Expected 2,000 / 3,600 / 14,400; sd about 42 / 57 / 57: 4.5 sd bounds.
    assert.ok(Math.abs(counts.lb - 2000) < 190, JSON.stringify(counts));
    assert.ok(Math.abs(counts.throttle - 3600) < 260, JSON.stringify(counts));
    assert.equal(counts.lb + counts.throttle + counts.none, n);
  });

  it("drops with the first category that hits, and names it in an UNAVAILABLE error", () => {
    assert.equal(
      dropCategory(drops, () => 0.05),
      "lb",
    );
    assert.equal(
      dropCategory(drops, () => 0.15),
      "throttle",
    );
    assert.equal(
      dropCategory(drops, () => 0.5),
      undefined,
    );
    assert.equal(
      dropCategory([], () => 0),
      undefined,
    );
    const e = new DroppedCall("outbound|50051||greeter", "throttle");
    assert.equal(e.code, Code.Unavailable);
    assert.match(e.message, /outbound\|50051\|\|greeter.*"throttle"/);
  });
});
