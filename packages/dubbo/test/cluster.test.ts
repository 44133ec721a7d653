import assert from "node:assert/strict";
import { after, afterEach, before, describe, test } from "node:test";
import { Code, createApp, type DubboApp, RpcError, silentLogger, staticDiscovery } from "@dubbo-mesh/dubbo";
import { GreetService } from "./support/greet.js";
import { deadPort } from "./support/ports.js";
import {
  countBy,
  GREET,
  type Provider,
  servedBy,
  startProvider,
  startProviders,
  stopAll,
} from "./support/providers.js";

const consumers: DubboApp[] = [];

/** A consumer app over static addresses; stopped after each test. */
function consumerOf(urls: string[]): DubboApp {
  const app = createApp({
    name: "consumer",
    logger: silentLogger,
    discovery: staticDiscovery({ [GREET]: urls }),
  });
  consumers.push(app);
  return app;
}

afterEach(() => stopAll(consumers.splice(0)));

async function codeOf(p: Promise<unknown>): Promise<Code | "ok"> {
  try {
    await p;
    return "ok";
  } catch (e) {
    assert.ok(e instanceof RpcError, `not an RpcError: ${e}`);
    return e.code;
  }
}

describe("failover", () => {
  test("a provider killed under load costs no failed call", async () => {
    const providers = await startProviders([{ id: "p1" }, { id: "p2" }, { id: "p3" }]);
    const consumer = consumerOf(providers.map((p) => p.url()));
    try {
      const client = consumer.client(GreetService, { retries: 2 });
      let failed = 0;
      let done = 0;
      const ids: string[] = [];
      const total = 900;
      const worker = async () => {
        while (done < total) {
          done++;
          if (done === 300) void providers[1].app.server.close({ graceMs: 0 }); // kill p2 mid-run
          try {
            ids.push(servedBy((await client.greet({ name: "x" })).greeting));
          } catch {
            failed++;
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      assert.equal(failed, 0);
      assert.equal(ids.length, total);
      // After the kill, p2 answers nothing: the last third all went to p1 and p3.
      assert.ok(!ids.slice(-300).includes("p2"), "p2 answered after it was killed");
      const counts = countBy(ids);
      assert.ok(counts.p1 > 200 && counts.p3 > 200, JSON.stringify(counts));
    } finally {
      await stopAll([consumer, ...providers.map((p) => p.app)]);
    }
  });

  test("each retry goes to an endpoint not tried yet; retries: 2 means 3 attempts", async () => {
    const providers = await startProviders(["a", "b", "c", "d"].map((id) => ({ id })));
    const consumer = consumerOf(providers.map((p) => p.url()));
    try {
      const client = consumer.client(GreetService, { retries: 2 });
      // Every provider answers UNAVAILABLE (safe to retry): each call makes 3 attempts on 3 providers.
      for (let i = 0; i < 20; i++) {
        const attachments = { "x-fail-with": "unavailable", "x-call-id": String(i) };
        assert.equal(await codeOf(client.greet({ name: "x" }, { attachments })), Code.Unavailable);
      }
      for (let i = 0; i < 20; i++) {
        const where = providers.filter((p) => p.callIds.includes(String(i))).map((p) => p.id);
        const attempts = providers.reduce((n, p) => n + p.callIds.filter((c) => c === String(i)).length, 0);
        assert.equal(attempts, 3, `call ${i}: ${attempts} attempts`);
        assert.equal(where.length, 3, `call ${i} tried ${where} (an endpoint twice)`);
      }
    } finally {
      await stopAll([consumer, ...providers.map((p) => p.app)]);
    }
  });

  test("application errors are not retried; server errors only for idempotent methods", async () => {
    const providers = await startProviders([{ id: "p1" }, { id: "p2" }, { id: "p3" }]);
    const consumer = consumerOf(providers.map((p) => p.url()));
    const served = () => providers.reduce((a, p) => a + p.served, 0);
    try {
      const client = consumer.client(GreetService, { retries: 2 });
      assert.equal(
        await codeOf(client.greet({ name: "x" }, { attachments: { "x-fail-with": "invalid" } })),
        Code.InvalidArgument,
      );
      assert.equal(served(), 1);
      // A handler that throws: UNKNOWN, which may have had side effects, so no retry ...
      assert.equal(await codeOf(client.greet({ name: "fail" })), Code.Unknown);
      assert.equal(served(), 2);
      // ... unless the method is declared idempotent.
      const idem = consumer.client(GreetService, { retries: 2, methods: { greet: { idempotent: true } } });
      assert.equal(await codeOf(idem.greet({ name: "fail" })), Code.Unknown);
      assert.equal(served(), 5);
    } finally {
      await stopAll([consumer, ...providers.map((p) => p.app)]);
    }
  });

  test("endpoints that refuse connections are skipped; a server-streaming call fails over too", async () => {
    const p1 = await startProvider({ id: "p1" });
    const dead = [await deadPort(), await deadPort()];
    const consumer = consumerOf([...dead.map((port) => `tri://127.0.0.1:${port}`), p1.url()]);
    try {
      const client = consumer.client(GreetService, { loadbalance: "roundrobin", retries: 2 });
      for (let i = 0; i < 30; i++) assert.equal(servedBy((await client.greet({ name: "x" })).greeting), "p1");
      const fresh = consumerOf([`tri://127.0.0.1:${dead[0]}`, p1.url()]).client(GreetService, {
        loadbalance: "roundrobin",
      });
      const got: string[] = [];
      for await (const r of fresh.greetServerStream({ name: "s" })) got.push(r.greeting);
      assert.deepEqual(got, ["p1: s #1", "p1: s #2", "p1: s #3"]);
    } finally {
      await stopAll([consumer, p1.app]);
    }
  });
});

describe("other strategies", () => {
  let providers: Provider[];
  let dead: number;
  before(async () => {
    providers = await startProviders([{ id: "p1" }, { id: "p2" }, { id: "slow", delayMs: 400 }]);
    dead = await deadPort();
  });
  after(() => stopAll(providers.map((p) => p.app)));
  const reset = () => {
    for (const p of providers) p.served = 0;
  };

  test("failfast: one attempt, the error at once", async () => {
    const consumer = consumerOf([`tri://127.0.0.1:${dead}`]);
    try {
      const client = consumer.client(GreetService, { cluster: "failfast" });
      const t0 = Date.now();
      assert.equal(await codeOf(client.greet({ name: "x" })), Code.Unavailable);
      assert.ok(Date.now() - t0 < 500);
      reset();
      const two = consumerOf([providers[0].url(), providers[1].url()]).client(GreetService, {
        cluster: "failfast",
      });
      assert.equal(
        await codeOf(two.greet({ name: "x" }, { attachments: { "x-fail-with": "unavailable" } })),
        Code.Unavailable,
      );
      assert.equal(providers[0].served + providers[1].served, 1);
    } finally {
      await consumer.stop();
    }
  });

  test("failsafe: an empty response instead of the error", async () => {
    const consumer = consumerOf([`tri://127.0.0.1:${dead}`]);
    try {
      const client = consumer.client(GreetService, { cluster: "failsafe" });
      const res = await client.greet({ name: "x" });
      assert.equal(res.greeting, "");
      assert.equal(res.$typeName, "greet.v1.GreetResponse");
    } finally {
      await consumer.stop();
    }
  });

  test("failback: an empty response now, the call repeated in the background until it succeeds", async () => {
    reset();
    const consumer = consumerOf([providers[0].url()]);
    try {
      const client = consumer.client(GreetService, {
        cluster: "failback",
        failback: { intervalMs: 30, retries: 3 },
      });
      // The first attempt fails with UNAVAILABLE (told by the attachment, which only the first call carries) ...
      const res = await client.greet({ name: "x" }, { attachments: { "x-fail-with": "unavailable-once" } });
      assert.equal(res.greeting, "");
      // ... and the background attempt (same attachments) succeeds on the second try.
      const deadline = Date.now() + 2000;
      while (providers[0].served < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(providers[0].served, 2);
    } finally {
      await consumer.stop();
    }
  });

  test("forking: the fastest of N answers; all N got the call", async () => {
    reset();
    const consumer = consumerOf([providers[2].url(), providers[0].url()]);
    try {
      const client = consumer.client(GreetService, { cluster: "forking", forks: 2 });
      const t0 = Date.now();
      const res = await client.greet({ name: "x" });
      assert.equal(servedBy(res.greeting), "p1");
      assert.ok(Date.now() - t0 < 350, "waited for the slow provider");
      assert.equal(providers[2].served, 1);
      assert.equal(providers[0].served, 1);
      // One failing fork does not fail the call.
      const mixed = consumerOf([`tri://127.0.0.1:${dead}`, providers[1].url()]).client(GreetService, {
        cluster: "forking",
      });
      assert.equal(servedBy((await mixed.greet({ name: "y" })).greeting), "p2");
    } finally {
      await consumer.stop();
    }
  });

  test("broadcast: every endpoint gets the call; one failure fails it", async () => {
    reset();
    const consumer = consumerOf([providers[0].url(), providers[1].url()]);
    try {
      const client = consumer.client(GreetService, { cluster: "broadcast" });
      await client.greet({ name: "x" });
      assert.deepEqual([providers[0].served, providers[1].served], [1, 1]);
      const withDead = consumerOf([providers[0].url(), `tri://127.0.0.1:${dead}`]).client(GreetService, {
        cluster: "broadcast",
      });
      assert.equal(await codeOf(withDead.greet({ name: "x" })), Code.Unavailable);
      assert.equal(providers[0].served, 2);
    } finally {
      await consumer.stop();
    }
  });

  test("available: the first endpoint that is reachable, no balancing", async () => {
    reset();
    const consumer = consumerOf([`tri://127.0.0.1:${dead}`, providers[1].url(), providers[0].url()]);
    try {
      const client = consumer.client(GreetService, { cluster: "available" });
      // The first call finds out that the first endpoint refuses connections ...
      assert.equal(await codeOf(client.greet({ name: "x" })), Code.Unavailable);
      // ... after which every call goes to the first available one, in order.
      for (let i = 0; i < 10; i++) assert.equal(servedBy((await client.greet({ name: "x" })).greeting), "p2");
    } finally {
      await consumer.stop();
    }
  });
});

describe("timeouts", () => {
  test("method timeout over client timeout; the call's own over both; not retried unless idempotent", async () => {
    const providers = await startProviders([{ id: "p1" }, { id: "p2" }]);
    const consumer = consumerOf(providers.map((p) => p.url()));
    try {
      const client = consumer.client(GreetService, { timeout: 5000, methods: { greet: { timeout: 60 } } });
      const slow = { attachments: { "x-delay-ms": "300" } };
      let t0 = Date.now();
      assert.equal(await codeOf(client.greet({ name: "x" }, slow)), Code.DeadlineExceeded);
      const took = Date.now() - t0;
      assert.ok(took >= 55 && took < 280, `took ${took} ms`);
      assert.equal(providers[0].served + providers[1].served, 1);
      t0 = Date.now();
      assert.equal(
        servedBy((await client.greet({ name: "x" }, { ...slow, timeoutMs: 2000 })).greeting).startsWith("p"),
        true,
      );
      assert.ok(Date.now() - t0 >= 290);
      // The client-level timeout applies to methods without their own.
      const streamClient = consumer.client(GreetService, { timeout: 80 });
      assert.equal(await codeOf(streamClient.greet({ name: "x" }, slow)), Code.DeadlineExceeded);
      const retried = consumer.client(GreetService, {
        retries: 1,
        methods: { greet: { timeout: 60, idempotent: true } },
      });
      for (const p of providers) p.served = 0;
      assert.equal(await codeOf(retried.greet({ name: "x" }, slow)), Code.DeadlineExceeded);
      assert.equal(providers[0].served + providers[1].served, 2);
    } finally {
      await stopAll([consumer, ...providers.map((p) => p.app)]);
    }
  });
});
