import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import type { Endpoint } from "@dubbo-mesh/dubbo";
import { type GovernanceUrls, urlFromNodeName, urlNodeName } from "../src/index.js";
import { demoRegistration, Opened, startProviderProcess } from "./support/fixtures.js";
import { addresses, Recorder, sleep, waitFor } from "./support/wait.js";
import { hasZooKeeper, startZooKeeper, type ZooKeeperServer } from "./support/zookeeper.js";

const SERVICE = "org.example.DemoService";

describe("interface-level layout (/dubbo/<interface>/providers) on a real ZooKeeper", {
  skip: hasZooKeeper() ? false : "ZooKeeper is not installed (apt-get install zookeeper)",
  timeout: 120_000,
}, () => {
  let zk: ZooKeeperServer;
  const opened = new Opened();
  before(async () => {
    zk = await startZooKeeper();
  });
  after(() => zk?.stop());
  afterEach(() => opened.closeAll());

  it("register writes the provider URL Dubbo Java writes; watch sees it; unregister removes it", async () => {
    const provider = opened.discovery({ address: zk.address, mode: "interface" });
    const consumer = opened.discovery({ address: zk.address, mode: "interface" });
    const seen = new Recorder();
    consumer.watch({ interface: SERVICE, group: "g1", version: "1.0.0" }, seen.listener);
    // Nothing registered yet: ZooKeeper confirms the folder is absent, so the empty list is reported.
    await seen.until("the first (empty) list", (l) => l.length === 0);
    assert.deepEqual(seen.lastUpdate, { confirmed: true }, "ZooKeeper's answer: a confirmed empty list");

    const reg = demoRegistration(50101, { weight: 50, params: { "dubbo.tag": "blue" } });
    await provider.register(reg);
    const [endpoint] = await seen.until("the provider", (l) => l.length === 1);
    assert.equal(endpoint?.host, "127.0.0.1");
    assert.equal(endpoint?.port, 50101);
    assert.equal(endpoint?.protocol, "tri");
    assert.equal(endpoint?.weight, 50);
    assert.equal(endpoint?.metadata["application"], "demo-provider");
    assert.equal(endpoint?.metadata["dubbo.tag"], "blue");
    assert.equal(endpoint?.metadata["methods"], "echo,sayHello");
    assert.equal(endpoint?.metadata["path"], SERVICE);
    assert.match(endpoint?.metadata["timestamp"] ?? "", /^\d{13}$/);

    // The znode itself: persistent parents, one ephemeral child named by the URL-encoded URL.
    const raw = await opened.session(zk.address);
    const children = await raw.getChildren(`/dubbo/${SERVICE}/providers`);
    assert.equal(children?.length, 1);
    const name = children![0]!;
    assert.match(
      name,
      /^tri%3A%2F%2F127\.0\.0\.1%3A50101%2Forg\.example\.DemoService%3Fanyhost%3Dtrue%26application%3Ddemo-provider%26deprecated%3Dfalse%26dubbo%3D2\.0\.2%26dubbo\.tag%3Dblue%26dynamic%3Dtrue%26generic%3Dfalse%26group%3Dg1%26interface%3Dorg\.example\.DemoService%26methods%3Decho%2CsayHello%26release%3D[^%]+%26service-name-mapping%3Dtrue%26side%3Dprovider%26timestamp%3D\d+%26version%3D1\.0\.0%26weight%3D50$/,
    );
    const url = urlFromNodeName(name)!;
    assert.equal(urlNodeName(url), name);
    const stat = await raw.exists(`/dubbo/${SERVICE}/providers/${name}`);
    assert.ok(stat && !stat.ephemeralOwner.every((b) => b === 0), "provider node is ephemeral");
    const parent = await raw.exists(`/dubbo/${SERVICE}/providers`);
    assert.ok(
      parent?.ephemeralOwner.every((b) => b === 0),
      "providers folder is persistent",
    );

    await provider.unregister(reg);
    await seen.until("the provider gone", (l) => l.length === 0);
    assert.deepEqual(seen.lastUpdate, { confirmed: true });
    assert.deepEqual(await raw.getChildren(`/dubbo/${SERVICE}/providers`), []);
  });

  it("a watching consumer is announced under consumers/ and withdrawn on unwatch", async () => {
    const consumer = opened.discovery({ address: zk.address, mode: "interface", consumerHost: "10.1.2.3" });
    const stop = consumer.watch(
      { interface: SERVICE, version: "1.0.0", application: "demo-consumer" },
      () => {},
    );
    const raw = await opened.session(zk.address);
    const path = `/dubbo/${SERVICE}/consumers`;
    const [name] = await waitFor("the consumer node", async () => {
      const c = await raw.getChildren(path);
      return c !== undefined && c.length === 1 ? c : undefined;
    });
    const url = urlFromNodeName(name!)!;
    assert.equal(url.protocol, "consumer");
    assert.equal(url.host, "10.1.2.3");
    assert.equal(url.path, SERVICE);
    assert.deepEqual(
      { ...url.params, timestamp: "t", release: "r" },
      {
        application: "demo-consumer",
        category: "consumers",
        check: "false",
        dubbo: "2.0.2",
        interface: SERVICE,
        release: "r",
        side: "consumer",
        timestamp: "t",
        version: "1.0.0",
      },
    );
    stop();
    await waitFor("the consumer node gone", async () => (await raw.getChildren(path))?.length === 0);
  });

  it("filters providers by group (lists and *), version and protocol as Dubbo does", async () => {
    const provider = opened.discovery({ address: zk.address, mode: "interface" });
    await provider.register(demoRegistration(50201, { group: "g1", version: "1.0.0" }));
    await provider.register(demoRegistration(50202, { group: "g2", version: "1.0.0" }));
    await provider.register(demoRegistration(50203, { group: "g2", version: "2.0.0" }));
    await provider.register(demoRegistration(50204, { group: undefined, version: undefined }));
    await provider.register(demoRegistration(20880, { group: "g1", version: "1.0.0", protocol: "dubbo" }));
    const consumer = opened.discovery({ address: zk.address, mode: "interface" });
    const expect = async (
      query: { group?: string; version?: string; protocol?: "tri" | "dubbo" },
      want: string[],
    ) => {
      const seen = new Recorder();
      const stop = consumer.watch({ interface: SERVICE, ...query }, seen.listener);
      const got = await seen.until(`${JSON.stringify(query)} -> ${want}`, (l) => l.length === want.length);
      stop();
      assert.deepEqual(addresses(got), want.sort(), JSON.stringify(query));
    };
    await expect({ group: "g1", version: "1.0.0" }, ["127.0.0.1:20880", "127.0.0.1:50201"]);
    await expect({ group: "g1", version: "1.0.0", protocol: "tri" }, ["127.0.0.1:50201"]);
    await expect({ group: "g1", version: "1.0.0", protocol: "dubbo" }, ["127.0.0.1:20880"]);
    await expect({ group: "g1,g2", version: "1.0.0", protocol: "tri" }, [
      "127.0.0.1:50201",
      "127.0.0.1:50202",
    ]);
    await expect({ group: "*", version: "*", protocol: "tri" }, [
      "127.0.0.1:50201",
      "127.0.0.1:50202",
      "127.0.0.1:50203",
      "127.0.0.1:50204",
    ]);
    await expect({ group: "g2", version: "2.0.0" }, ["127.0.0.1:50203"]);
    await expect({}, ["127.0.0.1:50204"]); // no group, no version: only the provider without either
  });

  it("a provider that closes its ZooKeeper client disappears from watchers (its nodes are ephemeral)", async () => {
    const provider = opened.discovery({ address: zk.address, mode: "interface" });
    const consumer = opened.discovery({ address: zk.address, mode: "interface" });
    const seen = new Recorder();
    consumer.watch({ interface: SERVICE, group: "g3", version: "1.0.0" }, seen.listener);
    await provider.register(demoRegistration(50301, { group: "g3" }));
    await seen.until("the provider", (l) => l.length === 1);
    await provider.close(); // closes the session: ZooKeeper deletes its ephemeral nodes at once
    await seen.until("the provider gone", (l) => l.length === 0, 5_000);
  });

  it("a provider process killed with SIGKILL disappears once its session times out", async () => {
    const consumer = opened.discovery({ address: zk.address, mode: "interface" });
    const seen = new Recorder();
    consumer.watch({ interface: SERVICE, group: "g4", version: "1.0.0" }, seen.listener);
    const child = await startProviderProcess({
      address: zk.address,
      mode: "interface",
      sessionTimeoutMs: 1_500,
      registration: demoRegistration(50401, { group: "g4" }),
    });
    opened.track(() => child.kill("SIGKILL"));
    await seen.until("the provider", (l) => l.length === 1);
    const killedAt = Date.now();
    await child.kill("SIGKILL"); // no goodbye to ZooKeeper: the session has to time out
    await seen.until("the provider gone", (l) => l.length === 0, 10_000);
    const tookMs = Date.now() - killedAt;
    assert.ok(tookMs >= 1_000, `removed after ${tookMs} ms, i.e. by session expiry, not a close`);
  });

  it("configurators and routers folders reach watchGovernance", async () => {
    const consumer = opened.discovery({ address: zk.address, mode: "interface" });
    const raw = await opened.session(zk.address);
    const seen = new Recorder<GovernanceUrls>();
    consumer.watchGovernance({ interface: SERVICE, group: "g1", version: "1.0.0" }, seen.listener);
    await seen.until("empty folders", (g) => g.configurators.length === 0 && g.routers.length === 0);
    const override = urlNodeName({
      protocol: "override",
      host: "0.0.0.0",
      port: 0,
      path: SERVICE,
      params: { category: "configurators", dynamic: "false", enabled: "true", timeout: "1000" },
    });
    const otherGroup = urlNodeName({
      protocol: "override",
      host: "0.0.0.0",
      port: 0,
      path: SERVICE,
      params: { category: "configurators", group: "other", weight: "1" },
    });
    const route = urlNodeName({
      protocol: "route",
      host: "0.0.0.0",
      port: 0,
      path: SERVICE,
      params: { category: "routers", dynamic: "false", rule: "host = 10.20.153.10 => host = 10.20.153.11" },
    });
    await raw.ensurePath(`/dubbo/${SERVICE}/configurators`);
    await raw.ensurePath(`/dubbo/${SERVICE}/routers`);
    await raw.create(`/dubbo/${SERVICE}/configurators/${override}`, Buffer.alloc(0), "persistent");
    await raw.create(`/dubbo/${SERVICE}/configurators/${otherGroup}`, Buffer.alloc(0), "persistent");
    await raw.create(`/dubbo/${SERVICE}/routers/${route}`, Buffer.alloc(0), "persistent");
    const got = await seen.until("the rules", (g) => g.configurators.length === 1 && g.routers.length === 1);
    assert.equal(got.configurators[0]?.params["timeout"], "1000");
    assert.equal(got.routers[0]?.params["rule"], "host = 10.20.153.10 => host = 10.20.153.11");
  });

  it("an empty provider folder is reported only when ZooKeeper says so, and each change once", async () => {
    const provider = opened.discovery({ address: zk.address, mode: "interface" });
    const consumer = opened.discovery({ address: zk.address, mode: "interface" });
    const seen = new Recorder();
    consumer.watch({ interface: SERVICE, group: "g5", version: "1.0.0" }, seen.listener);
    await seen.until("first list", () => true);
    await provider.register(demoRegistration(50501, { group: "g5" }));
    await provider.register(demoRegistration(50502, { group: "g5" }));
    await seen.until("two providers", (l) => l.length === 2);
    // Unrelated changes in the folder (another group) do not re-notify.
    const before = seen.calls.length;
    await provider.register(demoRegistration(50503, { group: "other" }));
    await sleep(500);
    assert.equal(seen.calls.length, before);
    const sizes = seen.calls.map((l: readonly Endpoint[]) => l.length);
    assert.ok(
      sizes.every((n, i) => i === 0 || n !== 0),
      `no spurious empty lists: ${sizes}`,
    );
  });
});
