import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createApp, type DubboApp, silentLogger } from "@dubbo-mesh/dubbo";
import { ZkSession, zookeeperConfigSource, zookeeperDiscovery } from "@dubbo-mesh/registry-zookeeper";
import { startZooKeeper, type ZooKeeperServer } from "../../registry-zookeeper/test/support/zookeeper.js";
import { GreetService } from "../../triple/test/gen/greet/v1/greet_pb.js";

// The SDK end to end on a real ZooKeeper: providers of ours register, a consumer finds them, and a
// condition rule written to ZooKeeper's config center moves traffic while calls keep flowing.

describe("SDK + real ZooKeeper: registry and config center", { timeout: 120_000 }, () => {
  let zk: ZooKeeperServer;
  const providers: DubboApp[] = [];
  const ports: number[] = [];
  let consumer: DubboApp;
  // The apps do not own their registry sessions: close them, or they keep reconnecting after the test.
  const sessions: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(x: T): T => {
    sessions.push(x);
    return x;
  };

  before(async () => {
    zk = await startZooKeeper();
    for (let i = 0; i < 3; i++) {
      const app = createApp({
        name: `greeter-${i}`,
        discovery: track(zookeeperDiscovery({ address: zk.address, mode: "interface" })),
        advertiseHost: "127.0.0.1",
        logger: silentLogger,
      });
      app.serve(
        GreetService,
        { greet: ({ name }) => ({ greeting: `${name} from ${i}` }) },
        { version: "1.0.0" },
      );
      const { port } = await app.start({ host: "127.0.0.1", port: 0 });
      providers.push(app);
      ports.push(port);
    }
    consumer = createApp({
      name: "shop",
      discovery: track(zookeeperDiscovery({ address: zk.address, mode: "interface" })),
      config: track(zookeeperConfigSource({ address: zk.address })),
      logger: silentLogger,
    });
  });

  after(async () => {
    await consumer?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    for (const p of providers) await p.stop({ unregisterWaitMs: 0, drainMs: 100 });
    for (const x of sessions) await x.close();
    await zk?.stop();
  });

  it("finds every provider, balances round robin, and a condition rule written to ZooKeeper moves traffic within a second", async () => {
    const greeter = consumer.client(GreetService, {
      version: "1.0.0",
      loadbalance: "roundrobin",
      timeout: 2000,
    });
    const seen = async (n: number) => {
      const counts = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const { greeting } = await greeter.greet({ name: "x" });
        const who = greeting.split(" from ")[1];
        counts.set(who, (counts.get(who) ?? 0) + 1);
      }
      return counts;
    };
    // All three providers registered; round robin over equal weights is exact.
    let counts = new Map<string, number>();
    for (let attempt = 0; attempt < 50 && counts.size < 3; attempt++) {
      counts = await seen(30);
      if (counts.size < 3) await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual([...counts.values()], [10, 10, 10], JSON.stringify([...counts]));

    // Dubbo Admin writes rules here: /dubbo/config/dubbo/<interface>:<version>:<group>.condition-router
    const rule = [
      "configVersion: v3.0",
      "scope: service",
      "key: greet.v1.GreetService",
      "force: true",
      "enabled: true",
      "conditions:",
      `  - "=> port=${ports[1]}"`,
      "",
    ].join("\n");
    const session = new ZkSession({ address: zk.address });
    const path = "/dubbo/config/dubbo/greet.v1.GreetService:1.0.0:.condition-router";
    await session.ensurePath("/dubbo/config/dubbo");
    const written = Date.now();
    await session.create(path, Buffer.from(rule), "persistent");
    let movedAfter = -1;
    while (Date.now() - written < 5000) {
      const c = await seen(6);
      if (c.size === 1 && c.get("1") === 6) {
        movedAfter = Date.now() - written;
        break;
      }
    }
    assert.ok(movedAfter >= 0, "traffic moved to the rule's provider");
    assert.ok(movedAfter <= 1000, `traffic moved ${movedAfter} ms after the write`);
    // An invalid rule is rejected and the previous one stays in force.
    await session.setData(path, Buffer.from("conditions: [{ this is: not valid"));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual([...(await seen(6)).entries()], [["1", 6]]);
    // Deleting the rule restores the spread.
    await session.remove(path);
    let spread = 0;
    for (let i = 0; i < 50 && spread < 3; i++) spread = (await seen(9)).size;
    assert.equal(spread, 3);
    await session.close();
  });

  it("a stopped provider leaves ZooKeeper and the consumer's calls keep succeeding", async () => {
    const greeter = consumer.client(GreetService, {
      version: "1.0.0",
      loadbalance: "roundrobin",
      timeout: 2000,
    });
    const stopped = providers.pop() as DubboApp;
    await stopped.stop({ unregisterWaitMs: 0, drainMs: 100 });
    let failures = 0;
    for (let i = 0; i < 60; i++) {
      const r = await greeter.greet({ name: "y" }).catch(() => undefined);
      if (r === undefined) failures++;
      else assert.notEqual(r.greeting, "y from 2");
    }
    assert.equal(failures, 0);
  });
});
