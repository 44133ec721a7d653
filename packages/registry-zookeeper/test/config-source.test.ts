import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { zookeeperConfigSource, zookeeperDiscovery } from "../src/index.js";
import { Opened } from "./support/fixtures.js";
import { Recorder, sleep } from "./support/wait.js";
import { hasZooKeeper, startZooKeeper, type ZooKeeperServer } from "./support/zookeeper.js";

const CONDITION_RULE = `configVersion: v3.0
scope: service
force: true
runtime: true
enabled: true
key: org.example.DemoService::
conditions:
  - method=sayHello => host=10.0.0.1
`;

describe("config center (/dubbo/config/dubbo/<key>) on a real ZooKeeper", {
  skip: hasZooKeeper() ? false : "ZooKeeper is not installed (apt-get install zookeeper)",
  timeout: 60_000,
}, () => {
  let zk: ZooKeeperServer;
  const opened = new Opened();
  before(async () => {
    zk = await startZooKeeper();
  });
  after(() => zk?.stop());
  afterEach(() => opened.closeAll());

  it("delivers the raw text on create, update and delete (undefined while absent)", async () => {
    const source = zookeeperConfigSource({ address: zk.address });
    opened.track(() => source.close());
    const key = "org.example.DemoService::.condition-router";
    assert.equal(source.pathOf(key), "/dubbo/config/dubbo/org.example.DemoService::.condition-router");
    const seen = new Recorder<string | undefined>();
    source.watchRule(key, seen.listener);
    await seen.until("absent at first", (t) => t === undefined);

    const admin = await opened.session(zk.address); // what Dubbo Admin does: write the node's data
    await admin.ensurePath("/dubbo/config/dubbo");
    await admin.create(source.pathOf(key), Buffer.from(CONDITION_RULE), "persistent");
    await seen.until("created", (t) => t === CONDITION_RULE);
    const updated = CONDITION_RULE.replace("10.0.0.1", "10.0.0.2");
    await admin.setData(source.pathOf(key), Buffer.from(updated));
    await seen.until("updated", (t) => t === updated);
    await admin.remove(source.pathOf(key));
    await seen.until("deleted", (t) => t === undefined);
    await admin.create(source.pathOf(key), Buffer.from("configVersion: v3.1\n"), "persistent");
    await seen.until("created again", (t) => t === "configVersion: v3.1\n");
    assert.deepEqual(
      seen.calls.map((t) => (t === undefined ? "-" : t.slice(0, 16))),
      ["-", "configVersion: v", "configVersion: v", "-", "configVersion: v"],
      "one call per change",
    );
  });

  it("honours rootPath and group, and can share a discovery's session", async () => {
    const discovery = zookeeperDiscovery({ address: zk.address, mode: "interface" });
    opened.track(() => discovery.close());
    const source = zookeeperConfigSource({
      session: discovery.session,
      rootPath: "/other/config",
      group: "g",
    });
    opened.track(() => source.close());
    const seen = new Recorder<string | undefined>();
    source.watchRule("app.tag-router", seen.listener);
    await seen.until("absent", (t) => t === undefined);
    const admin = await opened.session(zk.address);
    await admin.ensurePath("/other/config/g");
    await admin.create("/other/config/g/app.tag-router", Buffer.from("force: false\n"), "persistent");
    await seen.until("created", (t) => t === "force: false\n");
    await source.close();
    assert.ok(discovery.session.connected, "closing the source leaves the shared session open");
  });

  it("keeps the rule in force through a ZooKeeper outage", async () => {
    const admin = await opened.session(zk.address);
    await admin.ensurePath("/dubbo/config/dubbo");
    await admin.create("/dubbo/config/dubbo/app.configurators", Buffer.from("v1"), "persistent");
    await admin.close();
    const source = zookeeperConfigSource({ address: zk.address, sessionTimeoutMs: 20_000 });
    opened.track(() => source.close());
    const seen = new Recorder<string | undefined>();
    source.watchRule("app.configurators", seen.listener);
    await seen.until("v1", (t) => t === "v1");
    await zk.kill();
    try {
      await sleep(2_000);
      assert.deepEqual(seen.calls, ["v1"], "no 'deleted' during the outage");
    } finally {
      await zk.restart();
    }
    const again = await opened.session(zk.address);
    await again.setData("/dubbo/config/dubbo/app.configurators", Buffer.from("v2"));
    await seen.until("v2 after the outage", (t) => t === "v2", 20_000);
  });
});
