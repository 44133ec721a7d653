import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  calculateWarmupWeight,
  createApp,
  createLoadBalancer,
  DEFAULT_WARMUP_MS,
  effectiveWeight,
  type Invoker,
  type LoadBalancer,
  loadBalanceNames,
  seededRandom,
  silentLogger,
  staticDiscovery,
} from "@dubbo-mesh/dubbo";
import { chiSquare, fakeInvocation, fakeInvokers, tally } from "./support/fake-invokers.js";
import { GreetService } from "./support/greet.js";
import { countBy, GREET, servedBy, startProviders, stopAll } from "./support/providers.js";

// Chi-square critical values at p = 0.001: with a seeded generator the picks are the same on every
// run, so these bounds cannot flake; they also hold for any decent generator 999 times in 1000.
const CHI2_P001 = { 1: 10.83, 2: 13.82, 3: 16.27, 4: 18.47 } as const;

function pick(lb: LoadBalancer, invokers: readonly Invoker[], n: number, args: unknown[] = []): Invoker[] {
  const inv = fakeInvocation({ args });
  const out: Invoker[] = [];
  for (let i = 0; i < n; i++) out.push(lb.select(invokers, inv));
  return out;
}

describe("random", () => {
  test("weighted picks follow the weights (10k picks, chi-square and ±5 %)", () => {
    const weights = [100, 200, 300, 400];
    const invokers = fakeInvokers(weights);
    const counts = tally(
      invokers,
      pick(createLoadBalancer("random", { random: seededRandom(7) }), invokers, 10_000),
    );
    assert.ok(chiSquare(counts, weights) < CHI2_P001[3], `chi2 too large for ${counts}`);
    counts.forEach((c, i) => {
      const expected = (10_000 * weights[i]) / 1000;
      assert.ok(Math.abs(c - expected) / expected < 0.05, `index ${i}: ${c} vs ${expected}`);
    });
  });

  test("equal weights pick uniformly; a weight-0 endpoint gets nothing", () => {
    const invokers = fakeInvokers([50, 50, 50]);
    const counts = tally(
      invokers,
      pick(createLoadBalancer("random", { random: seededRandom(1) }), invokers, 9000),
    );
    assert.ok(chiSquare(counts, [1, 1, 1]) < CHI2_P001[2], `${counts}`);
    const withZero = fakeInvokers([100, 0, 100]);
    const zeroCounts = tally(
      withZero,
      pick(createLoadBalancer("random", { random: seededRandom(2) }), withZero, 5000),
    );
    assert.equal(zeroCounts[1], 0);
  });

  test("a warming provider gets a share proportional to its uptime", () => {
    const now = 1_000_000_000_000;
    const invokers = fakeInvokers([100, 100]);
    // Second provider started 60 s ago with the default 10 min warm-up: weight 100 * 60/600 = 10.
    invokers[1].startedAt = now - 60_000;
    const lb = createLoadBalancer("random", { random: seededRandom(3), now: () => now });
    const counts = tally(invokers, pick(lb, invokers, 11_000));
    assert.ok(chiSquare(counts, [100, 10]) < CHI2_P001[1], `${counts}`);
  });
});

describe("roundrobin", () => {
  test("weights 5,1,1 give Dubbo's smooth sequence A A B A C A A", () => {
    const invokers = fakeInvokers([5, 1, 1]);
    const lb = createLoadBalancer("roundrobin");
    const names = pick(lb, invokers, 14).map((i) => "ABC"[invokers.indexOf(i)]);
    assert.equal(names.join(""), "AABACAAAABACAA");
  });

  test("exact proportions over whole cycles, per method", () => {
    const weights = [100, 200, 300];
    const invokers = fakeInvokers(weights);
    const lb = createLoadBalancer("roundrobin");
    assert.deepEqual(tally(invokers, pick(lb, invokers, 6000)), [1000, 2000, 3000]);
    // Another method keeps its own counters: its first pick is the heaviest endpoint again.
    assert.equal(lb.select(invokers, fakeInvocation({ method: "Other" })), invokers[2]);
  });

  test("a weight change restarts that endpoint's counter", () => {
    const invokers = fakeInvokers([1, 1]);
    const lb = createLoadBalancer("roundrobin");
    pick(lb, invokers, 3);
    invokers[1].weight = 3;
    assert.deepEqual(tally(invokers, pick(lb, invokers, 400)), [100, 300]);
  });
});

describe("leastactive", () => {
  test("prefers the endpoint with the fewest calls in flight", () => {
    const invokers = fakeInvokers([100, 100, 100]);
    invokers[0].stats.active = 5;
    invokers[1].stats.active = 0;
    invokers[2].stats.active = 2;
    const lb = createLoadBalancer("leastactive", { random: seededRandom(4) });
    assert.deepEqual(tally(invokers, pick(lb, invokers, 100)), [0, 100, 0]);
  });

  test("ties are broken by weight", () => {
    const invokers = fakeInvokers([100, 300, 100]);
    invokers[2].stats.active = 1;
    const lb = createLoadBalancer("leastactive", { random: seededRandom(5) });
    const counts = tally(invokers, pick(lb, invokers, 8000));
    assert.equal(counts[2], 0);
    assert.ok(chiSquare(counts.slice(0, 2), [100, 300]) < CHI2_P001[1], `${counts}`);
  });
});

describe("shortestresponse", () => {
  test("prefers the endpoint with the shortest estimated response", () => {
    const invokers = fakeInvokers([100, 100]);
    const now = performance.now();
    invokers[0].stats.windowStart = now;
    invokers[1].stats.windowStart = now;
    for (let i = 0; i < 10; i++) {
      invokers[0].stats.begin();
      invokers[0].stats.succeed(50, now);
      invokers[1].stats.begin();
      invokers[1].stats.succeed(5, now);
    }
    const lb = createLoadBalancer("shortestresponse", { random: seededRandom(6) });
    assert.deepEqual(tally(invokers, pick(lb, invokers, 50)), [0, 50]);
    // Busy enough, the fast endpoint's estimate (5 ms x 11) passes the slow idle one's (50 ms x 1).
    invokers[1].stats.active = 10;
    assert.deepEqual(tally(invokers, pick(lb, invokers, 50)), [50, 0]);
  });
});

describe("consistenthash", () => {
  test("the same key always lands on the same endpoint; keys spread over all endpoints", () => {
    const invokers = fakeInvokers([100, 100, 100, 100]);
    const lb = createLoadBalancer("consistenthash");
    const owner = new Map<string, Invoker>();
    for (let k = 0; k < 2000; k++)
      owner.set(`user-${k}`, lb.select(invokers, fakeInvocation({ args: [`user-${k}`] })));
    for (let round = 0; round < 3; round++) {
      for (const [key, inv] of owner) assert.equal(lb.select(invokers, fakeInvocation({ args: [key] })), inv);
    }
    const counts = tally(invokers, [...owner.values()]);
    for (const c of counts) assert.ok(c > 300, `uneven spread ${counts}`);
  });

  test("removing an endpoint only moves the keys it owned", () => {
    const invokers = fakeInvokers([100, 100, 100, 100, 100]);
    const lb = createLoadBalancer("consistenthash");
    const before = new Map<string, Invoker>();
    for (let k = 0; k < 1000; k++)
      before.set(`k${k}`, lb.select(invokers, fakeInvocation({ args: [`k${k}`] })));
    const removed = invokers[2];
    const rest = invokers.filter((i) => i !== removed);
    for (const [key, inv] of before) {
      const now = lb.select(rest, fakeInvocation({ args: [key] }));
      if (inv !== removed) assert.equal(now, inv, `key ${key} moved although its endpoint stayed`);
    }
  });

  test("hashes a field of a protobuf-style request, or an attachment", () => {
    const invokers = fakeInvokers([100, 100, 100]);
    const byField = createLoadBalancer("consistenthash", { hash: { field: "name" } });
    const a = byField.select(invokers, fakeInvocation({ args: [{ name: "alice", n: 1 }] }));
    for (let n = 2; n < 20; n++)
      assert.equal(byField.select(invokers, fakeInvocation({ args: [{ name: "alice", n }] })), a);
    const byAttachment = createLoadBalancer("consistenthash", { hash: { attachment: "user-id" } });
    const b = byAttachment.select(
      invokers,
      fakeInvocation({ args: ["x"], attachments: { "user-id": "42" } }),
    );
    for (let i = 0; i < 20; i++) {
      assert.equal(
        byAttachment.select(invokers, fakeInvocation({ args: [`y${i}`], attachments: { "user-id": "42" } })),
        b,
      );
    }
  });
});

describe("p2c", () => {
  test("of two endpoints, always the less loaded one", () => {
    const invokers = fakeInvokers([100, 100]);
    invokers[0].stats.active = 3;
    const lb = createLoadBalancer("p2c", { random: seededRandom(8) });
    assert.deepEqual(tally(invokers, pick(lb, invokers, 200)), [0, 200]);
  });

  test("never picks the busiest of many; idle equal endpoints share evenly", () => {
    const invokers = fakeInvokers([100, 100, 100, 100]);
    invokers[3].stats.active = 50;
    const lb = createLoadBalancer("p2c", { random: seededRandom(9) });
    const counts = tally(invokers, pick(lb, invokers, 9000));
    assert.equal(counts[3], 0);
    assert.ok(chiSquare(counts.slice(0, 3), [1, 1, 1]) < CHI2_P001[2], `${counts}`);
  });
});

describe("warm-up (Dubbo's calculateWarmupWeight)", () => {
  test("ramps linearly, at least 1, at most the weight", () => {
    assert.equal(calculateWarmupWeight(60_000, 600_000, 100), 10);
    assert.equal(calculateWarmupWeight(1, 600_000, 100), 1);
    assert.equal(calculateWarmupWeight(599_999, 600_000, 100), 99);
    assert.equal(calculateWarmupWeight(300_000, 600_000, 200), 100);
    assert.equal(DEFAULT_WARMUP_MS, 600_000);
  });

  test("uses the provider's timestamp and warmup metadata; a clock ahead of ours gives 1", () => {
    const now = 2_000_000_000_000;
    const [a] = fakeInvokers([100], { timestamp: String(now - 30_000), warmup: "60000" });
    assert.equal(effectiveWeight(a, now), 50);
    const [b] = fakeInvokers([100], { timestamp: String(now + 5_000) });
    assert.equal(effectiveWeight(b, now), 1);
    const [c] = fakeInvokers([100], { timestamp: String(now - 700_000) });
    assert.equal(effectiveWeight(c, now), 100);
  });
});

test("every balancer handles one endpoint and knows its name", () => {
  const [only] = fakeInvokers([100]);
  for (const name of loadBalanceNames) {
    const lb = createLoadBalancer(name);
    assert.equal(lb.name, name);
    assert.equal(lb.select([only], fakeInvocation({ args: ["k"] })), only);
  }
  assert.throws(() => createLoadBalancer("nope" as never), /unknown load balancer "nope"/);
});

describe("through real calls", () => {
  test("weights announced by providers shape the traffic (random seeded, round robin exact)", async () => {
    const providers = await startProviders([{ id: "p1" }, { id: "p2" }, { id: "p3" }]);
    const weights = [100, 200, 300];
    const consumer = createApp({
      name: "consumer",
      logger: silentLogger,
      discovery: staticDiscovery({ [GREET]: providers.map((p, i) => p.url({ weight: weights[i] })) }),
    });
    try {
      const run = async (
        client: { greet(r: { name: string }): Promise<{ greeting: string }> },
        n: number,
      ) => {
        const ids: string[] = [];
        let next = 0;
        const worker = async () => {
          while (next < n) {
            next++;
            ids.push(servedBy((await client.greet({ name: "x" })).greeting));
          }
        };
        await Promise.all(Array.from({ length: 8 }, worker));
        const c = countBy(ids);
        return ["p1", "p2", "p3"].map((id) => c[id] ?? 0);
      };
      const random = consumer.client(GreetService, { loadbalance: "random", random: seededRandom(11) });
      const counts = await run(random, 1800);
      assert.ok(chiSquare(counts, weights) < CHI2_P001[2], `${counts}`);
      const rr = consumer.client(GreetService, { loadbalance: "roundrobin" });
      assert.deepEqual(await run(rr, 600), [100, 200, 300]);
    } finally {
      await stopAll([consumer, ...providers.map((p) => p.app)]);
    }
  });
});
