// ZooKeeper address sync against a real ZooKeeper (our registry-zookeeper writes the nodes, as Dubbo
// Java does): the naming rules, both layouts, debouncing, removal, and outages. The Java provider and
// the xDS clients are in zookeeper-sync-java.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ServiceRegistration } from "@dubbo-mesh/dubbo";
import { parseUrl, type ServiceInstance, zookeeperDiscovery } from "@dubbo-mesh/registry-zookeeper";
import {
  hasZooKeeper,
  startZooKeeper,
  type ZooKeeperServer,
} from "../../registry-zookeeper/test/support/zookeeper.js";
import { ServiceRegistry } from "../src/registry/service-registry.js";
import { meshServices } from "../src/registry/zookeeper/mesh-instances.js";
import { DEFAULT_SERVICE_PORTS, interfaceHost } from "../src/registry/zookeeper/mesh-names.js";
import { ZookeeperSync } from "../src/registry/zookeeper/zookeeper-sync.js";
import { waitFor } from "./support/wait.js";

const naming = { namespace: "demo", servicePorts: DEFAULT_SERVICE_PORTS };

describe("ZooKeeper providers as mesh services (naming)", () => {
  it("interface-level URLs: host from the interface, named ports, labels, weight, skipped URLs", () => {
    const url = (s: string) => parseUrl(s);
    const { definitions, instances } = meshServices(
      {
        providers: new Map([
          [
            "org.example.DemoService",
            [
              url(
                "tri://10.0.0.1:50052/org.example.DemoService?application=demo&version=1.0.0&group=g1&weight=50",
              ),
              url("dubbo://10.0.0.2:20881/org.example.DemoService?application=demo&dubbo.tag=blue"),
              url("tri://10.0.0.3:50051/org.example.DemoService?application=demo&weight=0"),
              url("tri://provider.local:50051/org.example.DemoService?application=demo"), // not an IP
              url("rest://10.0.0.4:8080/org.example.DemoService?application=demo"), // not carried
            ],
          ],
        ]),
        instances: new Map(),
        metadata: new Map(),
      },
      naming,
    );
    assert.equal(interfaceHost("org.example.Demo$Service"), "org.example.demo-service");
    assert.deepEqual(definitions, [
      {
        host: "org.example.demoservice",
        namespace: "demo",
        source: "zookeeper",
        ports: [
          { name: "grpc", port: 50051, protocol: "GRPC" },
          { name: "tcp-dubbo", port: 20880, protocol: "TCP" },
        ],
      },
    ]);
    assert.deepEqual(
      instances.map((i) => [i.address, i.ports[0]?.name, i.ports[0]?.port, i.labels, i.weight, i.healthy]),
      [
        ["10.0.0.1", "grpc", 50052, { app: "demo", version: "1.0.0", group: "g1" }, 50, true],
        ["10.0.0.2", "tcp-dubbo", 20881, { app: "demo", "dubbo.tag": "blue" }, 100, true],
        ["10.0.0.3", "grpc", 50051, { app: "demo" }, 1, false], // Dubbo weight 0: no traffic
      ],
    );
    assert.deepEqual(instances[0]?.dubboServices, ["org.example.DemoService"]);
  });

  it("application-level instances: `<app>.<ns>.svc.cluster.local`, ports from dubbo.endpoints, labels from remote metadata", () => {
    const si: ServiceInstance = {
      name: "Orders",
      id: "10.0.0.9:7001",
      address: "10.0.0.9",
      port: 7001,
      metadata: {
        "dubbo.endpoints": '[{"port":7001,"protocol":"tri"},{"port":20880,"protocol":"dubbo"}]',
        "dubbo.metadata.revision": "r1",
        "dubbo.metadata.storage-type": "remote",
      },
    };
    const service = {
      name: "org.example.Orders",
      version: "2.0.0",
      protocol: "tri",
      port: 7001,
      path: "org.example.Orders",
      params: {},
    };
    const { definitions, instances } = meshServices(
      {
        providers: new Map(),
        instances: new Map([["Orders", [si]]]),
        metadata: new Map([["Orders/r1", { app: "Orders", revision: "r1", services: { a: service } }]]),
      },
      naming,
    );
    assert.equal(definitions[0]?.host, "orders.demo.svc.cluster.local");
    assert.deepEqual(instances[0]?.ports, [
      { name: "grpc", port: 7001, protocol: "GRPC" },
      { name: "tcp-dubbo", port: 20880, protocol: "TCP" },
    ]);
    assert.deepEqual(instances[0]?.labels, { app: "Orders", version: "2.0.0" });
    assert.deepEqual(instances[0]?.dubboServices, ["org.example.Orders"]);
  });
});

describe("ZooKeeper sync against a real ZooKeeper", {
  skip: hasZooKeeper() ? false : "ZooKeeper is not installed",
  timeout: 120_000,
}, () => {
  let zk: ZooKeeperServer;
  let registry: ServiceRegistry;
  let sync: ZookeeperSync;
  let discovery: ReturnType<typeof zookeeperDiscovery>;

  const provider = (port: number, extra: Partial<ServiceRegistration> = {}): ServiceRegistration => ({
    interface: "org.example.DemoService",
    application: "demo",
    host: "127.0.0.1",
    port,
    protocol: "tri",
    methods: ["sayHello"],
    version: "1.0.0",
    ...extra,
  });
  const endpoints = (host: string, port = 50051) =>
    registry
      .snapshot()
      .endpoints(host, port)
      .map((e) => `${e.address}:${e.port}`)
      .sort();
  const DEMO = "org.example.demoservice";

  before(async () => {
    zk = await startZooKeeper();
    registry = new ServiceRegistry();
    sync = new ZookeeperSync(registry, {
      address: zk.address,
      namespace: "demo",
      debounceMs: 200,
      sessionTimeoutMs: 4000,
    }).start();
    discovery = zookeeperDiscovery({ address: zk.address, mode: "all", sessionTimeoutMs: 4000 });
  });
  after(async () => {
    await discovery?.close();
    await sync?.close();
    await zk?.stop();
  });

  it("syncs interface-level providers in debounced batches, and removal removes the endpoint", async () => {
    const before = sync.flushes;
    const ports = [7101, 7102, 7103, 7104, 7105];
    await Promise.all(ports.map((p) => discovery.register(provider(p))));
    await waitFor("five endpoints", () => endpoints(DEMO).length === 5, 10_000);
    assert.ok(sync.flushes - before <= 3, `${sync.flushes - before} flushes for 5 registrations (debounced)`);
    assert.equal(registry.snapshot().service(DEMO)?.namespace, "demo");
    await discovery.unregister(provider(7103));
    await waitFor("7103 removed", () => !endpoints(DEMO).includes("127.0.0.1:7103"), 10_000);
    assert.equal(endpoints(DEMO).length, 4);
  });

  it("syncs application-level instances (mode all also writes /services) with version labels from the metadata", async () => {
    await discovery.register(
      provider(7201, { interface: "org.example.Orders", application: "orders", version: "2.0.0" }),
    );
    const host = "orders.demo.svc.cluster.local";
    await waitFor("the orders instance", () => endpoints(host).length === 1, 10_000);
    const [ep] = registry.snapshot().endpoints(host, 50051);
    assert.equal(`${ep?.address}:${ep?.port}`, "127.0.0.1:7201");
    assert.equal(ep?.labels["version"], "2.0.0");
    assert.deepEqual(ep?.instance.dubboServices, ["org.example.Orders"]);
  });

  it("keeps the last endpoints while ZooKeeper is down, and follows it again once it is back", async () => {
    const known = endpoints(DEMO);
    const flushes = sync.flushes;
    await zk.kill();
    await waitFor("disconnected", () => !sync.session.connected, 10_000);
    await new Promise((r) => setTimeout(r, 5_000)); // past the session timeout: the session is given up
    assert.deepEqual(endpoints(DEMO), known);
    assert.equal(sync.flushes, flushes);
    await zk.restart();
    await waitFor("reconnected", () => sync.session.connected, 30_000, 100);
    // Watches are re-set on the new session: a provider registered now shows up, the old ones stay.
    await discovery.register(provider(7106));
    await waitFor("7106 after the restart", () => endpoints(DEMO).includes("127.0.0.1:7106"), 30_000, 100);
    for (const e of known) assert.ok(endpoints(DEMO).includes(e), e);
  });
});
