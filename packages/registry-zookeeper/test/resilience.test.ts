import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { decodeInstance } from "../src/index.js";
import { demoRegistration, Opened } from "./support/fixtures.js";
import { addresses, Recorder, sleep, waitFor } from "./support/wait.js";
import { hasZooKeeper, startTcpProxy, startZooKeeper, type ZooKeeperServer } from "./support/zookeeper.js";

const SERVICE = "org.example.DemoService";
const WATCHED = "org.example.WatchedService";

describe("session expiry, outages and data loss with a real ZooKeeper", {
  skip: hasZooKeeper() ? false : "ZooKeeper is not installed (apt-get install zookeeper)",
  timeout: 180_000,
}, () => {
  let zk: ZooKeeperServer;
  const opened = new Opened();
  before(async () => {
    zk = await startZooKeeper();
  });
  after(() => zk?.stop());
  afterEach(() => opened.closeAll());

  it("after its session expired, a provider re-registers (both layouts) and its own watches keep working", async () => {
    const proxy = await startTcpProxy(zk.port);
    opened.track(() => proxy.close());
    // The provider reaches ZooKeeper through the proxy; everyone else connects directly.
    const provider = opened.discovery({ address: proxy.address, mode: "all", sessionTimeoutMs: 2_000 });
    const other = opened.discovery({ address: zk.address, mode: "interface" });
    const consumer = opened.discovery({ address: zk.address, mode: "all" });

    await other.register(demoRegistration(52001, { interface: WATCHED, application: "other" }));
    const providerSees = new Recorder();
    provider.watch({ interface: WATCHED, group: "g1", version: "1.0.0" }, providerSees.listener);
    await providerSees.until("the watched service", (l) => l.length === 1);

    await provider.register(demoRegistration(52101, { application: "app-x" }));
    const consumerSees = new Recorder();
    consumer.watch({ interface: SERVICE, group: "g1", version: "1.0.0" }, consumerSees.listener);
    await consumerSees.until("the provider", (l) => addresses(l).includes("127.0.0.1:52101"));
    const sessionBefore = provider.session.credentials().id.toString("hex");
    const providerCalls = providerSees.calls.length;

    proxy.block(); // a network partition: the server times the provider's session out
    await consumerSees.until("the provider's nodes deleted by the expiry", (l) => l.length === 0, 15_000);
    assert.equal(providerSees.calls.length, providerCalls, "the cut-off provider reported nothing meanwhile");
    assert.equal(provider.session.connected, false);

    proxy.unblock();
    await consumerSees.until("the provider back after re-registering", (l) => l.length === 1, 15_000);
    assert.notEqual(provider.session.credentials().id.toString("hex"), sessionBefore, "a new session");
    const raw = await opened.session(zk.address);
    // The two layouts are re-created one after the other: the consumer may see one before the other.
    await waitFor("instance node re-created", () => raw.exists("/services/app-x/127.0.0.1:52101"));
    await waitFor(
      "provider URL re-created",
      async () => (await raw.getChildren(`/dubbo/${SERVICE}/providers`))?.length === 1,
    );

    // Its watch was re-set on the new session: a change made now reaches it.
    await other.register(demoRegistration(52002, { interface: WATCHED, application: "other" }));
    const got = await providerSees.until("the second watched provider", (l) => l.length === 2);
    assert.deepEqual(addresses(got), ["127.0.0.1:52001", "127.0.0.1:52002"]);
    assert.ok(
      providerSees.calls.every((l) => l.length > 0),
      "the provider's watch never saw an empty list",
    );
  });

  it("a ZooKeeper outage keeps the last known endpoints; changes made meanwhile land when it is back", async () => {
    const service = "org.example.OutageService";
    // Sessions longer than the outage: the restarted server restores them, nothing has to be re-created.
    const options = {
      address: zk.address,
      mode: "all",
      sessionTimeoutMs: 20_000,
      operationTimeoutMs: 3_000,
    } as const;
    const log: string[] = [];
    const logger = (who: string) => ({
      warn: (m: string) => log.push(`${Date.now() % 100_000} ${who}: ${m.slice(0, 160)}`),
      debug: (m: string) => log.push(`${Date.now() % 100_000} ${who}: ${m.slice(0, 160)}`),
    });
    const provider = opened.discovery({ ...options, logger: logger("provider") });
    const consumer = opened.discovery({ ...options, logger: logger("consumer") });
    const reg = (port: number) => demoRegistration(port, { application: "app-y", interface: service });
    await provider.register(reg(52201));
    await provider.register(reg(52203));
    const seen = new Recorder();
    consumer.watch({ interface: service, group: "g1", version: "1.0.0" }, seen.listener);
    await seen.until("the providers", (l) => l.length === 2);
    const calls = seen.calls.length;
    const session = consumer.session.credentials().id.toString("hex");

    await zk.kill(); // crash: no answers at all
    try {
      await waitFor("the consumer to notice", () => !consumer.session.connected);
      // Changes made during the outage give up after the operation timeout, but are retried (failback).
      const added = provider.register(reg(52202)).then(
        () => "ok",
        (e: Error) => e.message,
      );
      const removed = provider.unregister(reg(52203)).then(
        () => "ok",
        (e: Error) => e.message,
      );
      await sleep(4_000);
      assert.equal(seen.calls.length, calls, "nothing reported while ZooKeeper was down");
      assert.deepEqual(addresses(seen.last), ["127.0.0.1:52201", "127.0.0.1:52203"]);
      // How it fails depends on whether the client had noticed the crash yet; that it fails is what counts.
      const outcomes = [await added, await removed];
      assert.ok(
        !outcomes.includes("ok"),
        `register()/unregister() during the outage report failure: ${outcomes}`,
      );
    } finally {
      log.push(`${Date.now() % 100_000} restarting`);
      await zk.restart(); // same data: the sessions survive
      log.push(`${Date.now() % 100_000} restarted in ${zk.startMs} ms`);
    }
    const got = await seen.until(
      "both changes applied",
      (l) => addresses(l).join() === "127.0.0.1:52201,127.0.0.1:52202",
      20_000,
    );
    assert.deepEqual(addresses(got), ["127.0.0.1:52201", "127.0.0.1:52202"]);
    assert.equal(
      consumer.session.credentials().id.toString("hex"),
      session,
      `the same session, restored\n${log.join("\n")}`,
    );
    assert.ok(
      seen.calls.every((l) => l.length > 0),
      "never an empty list",
    );
    await provider.unregister(reg(52201));
    await seen.until("updates flow again", (l) => addresses(l).join() === "127.0.0.1:52202");
  });

  it("ZooKeeper restarted without its data: providers re-create everything, watchers recover", async () => {
    const service = "org.example.WipedService";
    const provider = opened.discovery({ address: zk.address, mode: "all", sessionTimeoutMs: 2_000 });
    const consumer = opened.discovery({ address: zk.address, mode: "instance", sessionTimeoutMs: 2_000 });
    await provider.register(demoRegistration(52301, { application: "app-z", interface: service }));
    const seen = new Recorder();
    consumer.watch({ interface: service, group: "g1", version: "1.0.0" }, seen.listener);
    await seen.until("the provider", (l) => addresses(l).includes("127.0.0.1:52301"));

    // Every session, node, mapping and metadata document is gone. ZooKeeper refuses the old clients (they
    // saw newer zxids than it has): they have to give their sessions up and start new ones.
    await zk.restart({ wipe: true });
    const raw = await opened.session(zk.address);
    const instance = await waitFor(
      "the instance node again",
      async () => (await raw.getData("/services/app-z/127.0.0.1:52301"))?.data,
      20_000,
    );
    const revision = decodeInstance(instance.toString())!.metadata["dubbo.metadata.revision"]!;
    assert.ok(await raw.exists(`/dubbo/metadata/app-z/${revision}`), "metadata re-published");
    await waitFor(
      "the mapping again",
      async () => (await raw.getData(`/dubbo/mapping/${service}`))?.data.toString() === "app-z",
    );
    assert.equal(
      (await raw.getChildren(`/dubbo/${service}/providers`))?.length,
      1,
      "provider URL re-created",
    );
    await seen.until(
      "the consumer sees it on its new session",
      (l) => addresses(l).includes("127.0.0.1:52301"),
      20_000,
    );
  });
});
