import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import {
  buildMetadata,
  calculateRevision,
  decodeInstance,
  decodeMetadata,
  encodeInstance,
  encodeMetadata,
} from "../src/index.js";
import { demoRegistration, Opened } from "./support/fixtures.js";
import { addresses, Recorder, waitFor } from "./support/wait.js";
import { hasZooKeeper, startZooKeeper, type ZooKeeperServer } from "./support/zookeeper.js";

const SERVICE = "org.example.DemoService";
const OTHER = "org.example.OtherService";

describe("application-level layout (/services, mapping, metadata) on a real ZooKeeper", {
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

  it("register writes instance, mapping and metadata as Dubbo 3 does; watch finds the service", async () => {
    const provider = opened.discovery({ address: zk.address, mode: "instance" });
    const reg = demoRegistration(51001, { application: "app-a", weight: 30 });
    await provider.register(reg);

    const raw = await opened.session(zk.address);
    const node = await raw.getData("/services/app-a/127.0.0.1:51001");
    assert.ok(node, "instance node");
    assert.ok(!node.stat.ephemeralOwner.every((b) => b === 0), "instance node is ephemeral");
    const json = JSON.parse(node.data.toString()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), [
      "name",
      "id",
      "address",
      "port",
      "sslPort",
      "payload",
      "registrationTimeUTC",
      "serviceType",
      "uriSpec",
    ]);
    const instance = decodeInstance(node.data.toString())!;
    assert.equal(instance.name, "app-a");
    assert.equal(instance.id, "127.0.0.1:51001");
    assert.equal(instance.metadata["dubbo.metadata.storage-type"], "remote");
    assert.equal(instance.metadata["dubbo.endpoints"], '[{"port":51001,"protocol":"tri"}]');
    const revision = instance.metadata["dubbo.metadata.revision"]!;

    const mapping = await raw.getData(`/dubbo/mapping/${SERVICE}`);
    assert.equal(mapping?.data.toString(), "app-a");

    const meta = await raw.getData(`/dubbo/metadata/app-a/${revision}`);
    const info = decodeMetadata(meta!.data.toString())!;
    assert.equal(info.app, "app-a");
    assert.equal(info.revision, revision);
    assert.equal(
      calculateRevision(info.app, info.services),
      revision,
      "revision is Dubbo's hash of the content",
    );
    const service = info.services[`g1/${SERVICE}:1.0.0:tri`];
    assert.ok(service, JSON.stringify(Object.keys(info.services)));
    assert.equal(service.port, 51001);
    assert.equal(service.path, SERVICE);
    assert.equal(service.params["weight"], "30");
    assert.equal(service.params["methods"], "echo,sayHello");

    // Nothing interface-level in this mode.
    assert.equal(await raw.exists(`/dubbo/${SERVICE}/providers`), undefined);

    const consumer = opened.discovery({ address: zk.address, mode: "instance" });
    const seen = new Recorder();
    consumer.watch({ interface: SERVICE, group: "g1", version: "1.0.0" }, seen.listener);
    const [endpoint] = await seen.until("the instance's service", (l) => l.length === 1);
    assert.equal(endpoint?.host, "127.0.0.1");
    assert.equal(endpoint?.port, 51001);
    assert.equal(endpoint?.protocol, "tri");
    assert.equal(endpoint?.weight, 30);
    assert.equal(endpoint?.metadata["application"], "app-a");
    assert.equal(endpoint?.metadata["dubbo.metadata.revision"], revision);
  });

  it("more services on the instance change its revision; the last unregister removes it", async () => {
    const provider = opened.discovery({ address: zk.address, mode: "instance" });
    const consumer = opened.discovery({ address: zk.address, mode: "instance" });
    const demo = new Recorder();
    const other = new Recorder();
    consumer.watch({ interface: SERVICE, group: "g1", version: "1.0.0" }, demo.listener);
    consumer.watch({ interface: OTHER }, other.listener);
    const a = demoRegistration(51101, { application: "app-b" });
    const b = demoRegistration(51101, {
      application: "app-b",
      interface: OTHER,
      group: undefined,
      version: undefined,
    });
    await provider.register(a);
    await demo.until("demo", (l) => addresses(l).includes("127.0.0.1:51101"));
    const raw = await opened.session(zk.address);
    const revisionOf = async () =>
      decodeInstance((await raw.getData("/services/app-b/127.0.0.1:51101"))!.data.toString())!.metadata[
        "dubbo.metadata.revision"
      ];
    const first = await revisionOf();

    await provider.register(b);
    await other.until("other", (l) => addresses(l).includes("127.0.0.1:51101"));
    const second = await revisionOf();
    assert.notEqual(second, first);
    assert.equal((await raw.getData(`/dubbo/mapping/${OTHER}`))?.data.toString(), "app-b");
    // Both services are listed in the new revision's metadata.
    const info = decodeMetadata((await raw.getData(`/dubbo/metadata/app-b/${second}`))!.data.toString())!;
    assert.deepEqual(Object.keys(info.services).sort(), [`g1/${SERVICE}:1.0.0:tri`, `${OTHER}:tri`]);
    assert.equal(demo.last?.length, 1, "the first service stays listed");

    await provider.unregister(b);
    await other.until("other gone", (l) => l.length === 0);
    assert.equal(await revisionOf(), first, "back to the first revision: same content, same hash");
    await provider.unregister(a);
    await demo.until("demo gone", (l) => l.length === 0);
    assert.equal(await raw.exists("/services/app-b/127.0.0.1:51101"), undefined);
  });

  it("several apps append themselves to the mapping without losing each other (CAS)", async () => {
    const providers = ["app-c1", "app-c2", "app-c3", "app-c4"].map((app, i) => ({
      d: opened.discovery({ address: zk.address, mode: "instance" }),
      reg: demoRegistration(51201 + i, { application: app, interface: "org.example.Shared" }),
    }));
    await Promise.all(providers.map(({ d, reg }) => d.register(reg)));
    const raw = await opened.session(zk.address);
    const apps = (await raw.getData("/dubbo/mapping/org.example.Shared"))!.data.toString().split(",").sort();
    assert.deepEqual(apps, ["app-c1", "app-c2", "app-c3", "app-c4"]);
    const consumer = opened.discovery({ address: zk.address, mode: "instance" });
    const seen = new Recorder();
    consumer.watch({ interface: "org.example.Shared", group: "g1", version: "1.0.0" }, seen.listener);
    const got = await seen.until("all four apps' instances", (l) => l.length === 4);
    assert.deepEqual(addresses(got), [
      "127.0.0.1:51201",
      "127.0.0.1:51202",
      "127.0.0.1:51203",
      "127.0.0.1:51204",
    ]);
  });

  it("metadata that cannot be fetched does not empty the list; it is fetched again later", async () => {
    const raw = await opened.session(zk.address);
    const info = buildMetadata("app-d", [
      { name: "org.example.Late", protocol: "tri", port: 51301, path: "org.example.Late", params: {} },
    ]);
    await raw.ensurePath("/dubbo/mapping");
    await raw.create("/dubbo/mapping/org.example.Late", Buffer.from("app-d"), "persistent");
    await raw.ensurePath("/services/app-d");
    // An instance whose metadata node is not there (yet): a broken or slow metadata report.
    await raw.create(
      "/services/app-d/127.0.0.1:51301",
      Buffer.from(
        encodeInstance({
          name: "app-d",
          id: "127.0.0.1:51301",
          address: "127.0.0.1",
          port: 51301,
          metadata: { "dubbo.metadata.revision": info.revision, "dubbo.metadata.storage-type": "remote" },
        }),
      ),
      "ephemeral",
    );
    const consumer = opened.discovery({ address: zk.address, mode: "instance", metadataRetryMs: 300 });
    const seen = new Recorder();
    consumer.watch({ interface: "org.example.Late" }, seen.listener);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(seen.calls.length, 0, "no list at all rather than a wrong empty one");
    await raw.ensurePath("/dubbo/metadata/app-d");
    await raw.create(
      `/dubbo/metadata/app-d/${info.revision}`,
      Buffer.from(encodeMetadata(info)),
      "persistent",
    );
    const got = await seen.until("the instance once its metadata exists", (l) => l.length === 1, 5_000);
    assert.equal(got[0]?.port, 51301);
    assert.deepEqual(seen.lastUpdate, { confirmed: true });
  });

  it("a list that leaves out instances without metadata is reported, but not as confirmed", async () => {
    const raw = await opened.session(zk.address);
    const service = "org.example.Partial";
    const good = buildMetadata("app-g", [
      { name: service, protocol: "tri", port: 51601, path: service, params: {} },
    ]);
    const missing = buildMetadata("app-g", [
      { name: service, protocol: "tri", port: 51602, path: service, params: { x: "1" } },
    ]);
    await raw.ensurePath("/dubbo/mapping");
    await raw.create(`/dubbo/mapping/${service}`, Buffer.from("app-g"), "persistent");
    await raw.ensurePath("/dubbo/metadata/app-g");
    await raw.create(
      `/dubbo/metadata/app-g/${good.revision}`,
      Buffer.from(encodeMetadata(good)),
      "persistent",
    );
    await raw.ensurePath("/services/app-g");
    for (const [port, info] of [
      [51601, good],
      [51602, missing],
    ] as const) {
      const instance = encodeInstance({
        name: "app-g",
        id: `127.0.0.1:${port}`,
        address: "127.0.0.1",
        port,
        metadata: { "dubbo.metadata.revision": info.revision, "dubbo.metadata.storage-type": "remote" },
      });
      await raw.create(`/services/app-g/127.0.0.1:${port}`, Buffer.from(instance), "ephemeral");
    }
    const consumer = opened.discovery({ address: zk.address, mode: "instance", metadataRetryMs: 300 });
    const seen = new Recorder();
    consumer.watch({ interface: service }, seen.listener);
    const partial = await seen.until("the instance whose metadata exists", (l) => l.length === 1);
    assert.deepEqual(addresses(partial), ["127.0.0.1:51601"]);
    assert.deepEqual(seen.lastUpdate, { confirmed: false }, "one revision's metadata is missing");
    await raw.create(
      `/dubbo/metadata/app-g/${missing.revision}`,
      Buffer.from(encodeMetadata(missing)),
      "persistent",
    );
    await seen.until("both", (l) => l.length === 2, 5_000);
    assert.deepEqual(seen.lastUpdate, { confirmed: true });
  });

  it("mode all writes both layouts and the watch merges them into one endpoint per address", async () => {
    const provider = opened.discovery({ address: zk.address, mode: "all" });
    await provider.register(demoRegistration(51401, { application: "app-e", interface: "org.example.Both" }));
    const raw = await opened.session(zk.address);
    assert.equal((await raw.getChildren("/dubbo/org.example.Both/providers"))?.length, 1);
    assert.ok(await raw.exists("/services/app-e/127.0.0.1:51401"));

    for (const mode of ["interface", "instance", "all"] as const) {
      const consumer = opened.discovery({ address: zk.address, mode });
      const seen = new Recorder();
      consumer.watch({ interface: "org.example.Both", group: "g1", version: "1.0.0" }, seen.listener);
      const got = await seen.until(`mode ${mode}`, (l) => l.length === 1);
      assert.deepEqual(addresses(got), ["127.0.0.1:51401"], mode);
    }
  });

  it("an interface alias registers under the Java interface and finds by either name", async () => {
    const aliases = { "greet.v1.GreetService": "org.dubbomesh.greet.v1.GreetService" };
    const provider = opened.discovery({ address: zk.address, mode: "all", interfaceAliases: aliases });
    await provider.register(
      demoRegistration(51501, {
        application: "app-f",
        interface: "greet.v1.GreetService",
        methods: ["Greet"],
      }),
    );
    const raw = await opened.session(zk.address);
    const [name] = (await raw.getChildren("/dubbo/org.dubbomesh.greet.v1.GreetService/providers"))!;
    assert.match(
      decodeURIComponent(name!),
      /^tri:\/\/127\.0\.0\.1:51501\/greet\.v1\.GreetService\?.*interface=org\.dubbomesh\.greet\.v1\.GreetService/,
    );
    assert.equal(
      (await raw.getData("/dubbo/mapping/org.dubbomesh.greet.v1.GreetService"))?.data.toString(),
      "app-f",
    );
    for (const [mode, iface, options] of [
      ["instance", "greet.v1.GreetService", { interfaceAliases: aliases }],
      ["instance", "org.dubbomesh.greet.v1.GreetService", {}],
      ["interface", "greet.v1.GreetService", { interfaceAliases: aliases }],
    ] as const) {
      const consumer = opened.discovery({ address: zk.address, mode, ...options });
      const seen = new Recorder();
      consumer.watch({ interface: iface, group: "g1", version: "1.0.0" }, seen.listener);
      await waitFor(`${mode} ${iface}`, () => seen.last?.length === 1);
    }
  });
});
