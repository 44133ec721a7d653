import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigStore } from "../src/config/config-store.js";
import { parseResources } from "../src/config/yaml-resources.js";
import { AutoRegistration } from "../src/registry/auto-registration.js";
import { syncConfigEndpoints } from "../src/registry/config-endpoints.js";
import { clientIdentity } from "../src/registry/node-metadata.js";
import { type RegistryEvent, ServiceRegistry } from "../src/registry/service-registry.js";
import { waitFor } from "./support/wait.js";

const HOST = "greeter.demo.svc.cluster.local";

function node(id: string, ip: string, version: string, extra: Record<string, string> = {}) {
  return clientIdentity({
    id,
    metadata: {
      APP: "greeter",
      NAMESPACE: "demo",
      LABELS: { version },
      INSTANCE_IPS: ip,
      DUBBO_PORTS: "grpc:50051",
      ...extra,
    },
  });
}

describe("node metadata", () => {
  it("reads Istio's and Dubbo's spellings", () => {
    const istio = clientIdentity(
      {
        id: "sidecar~10.1.2.3~greeter-abc.demo~demo.svc.cluster.local",
        metadata: {
          GENERATOR: "grpc",
          LABELS: { app: "greeter", version: "v2" },
          POD_PORTS: '[{"name":"grpc","containerPort":50051,"protocol":"TCP"}]',
        },
        locality: { region: "r1", zone: "z1" },
      },
      "::ffff:127.0.0.1",
    );
    assert.equal(istio.namespace, "demo");
    assert.equal(istio.app, "greeter");
    assert.deepEqual(istio.ips, ["10.1.2.3"]);
    assert.deepEqual(istio.ports, [{ name: "grpc", port: 50051 }]);
    assert.deepEqual(istio.locality, { region: "r1", zone: "z1", subZone: "" });

    const dubbo = clientIdentity(
      {
        id: "n1",
        metadata: {
          APP: "shop",
          LABELS: "version=v1,env=gray",
          DUBBO_PORTS: [50051, 50052],
          DUBBO_SERVICES: "a.B, c.D",
        },
      },
      "::ffff:127.0.0.1",
    );
    assert.equal(dubbo.namespace, "default");
    assert.deepEqual(dubbo.labels, { version: "v1", env: "gray", app: "shop" });
    assert.deepEqual(dubbo.ips, ["127.0.0.1"]);
    assert.deepEqual(
      dubbo.ports.map((p) => p.port),
      [50051, 50052],
    );
    assert.deepEqual(dubbo.dubboServices, ["a.B", "c.D"]);
  });
});

describe("auto-registration", () => {
  it("registers a serving workload, keeps it through the grace period, then removes it", async () => {
    const registry = new ServiceRegistry();
    const events: RegistryEvent[] = [];
    registry.subscribe((e) => events.push(e));
    const auto = new AutoRegistration(registry, () => new ConfigStore().snapshot(), { graceMs: 80 });

    const a = auto.connect(node("a", "10.0.0.1", "v1"));
    assert.ok(a);
    assert.equal(events.at(-1)?.full, true, "a new host is a full push");
    const b = auto.connect(node("b", "10.0.0.2", "v2"));
    assert.ok(b);
    assert.equal(events.at(-1)?.full, false, "another endpoint of the same ports is endpoints-only");
    assert.deepEqual(events.at(-1)?.hosts, new Set([HOST]));
    const eps = registry.snapshot().endpoints(HOST, 50051);
    assert.deepEqual(
      eps.map((e) => `${e.address}:${e.port}/${e.labels.version}`),
      ["10.0.0.1:50051/v1", "10.0.0.2:50051/v2"],
    );

    // A consumer (no ports) does not register.
    assert.equal(
      auto.connect(clientIdentity({ id: "c", metadata: { APP: "client" } }, "127.0.0.1")),
      undefined,
    );

    b.close();
    assert.equal(registry.snapshot().endpoints(HOST, 50051).length, 2, "still there during the grace period");
    await waitFor(
      "removal after the grace period",
      () => registry.snapshot().endpoints(HOST, 50051).length === 1,
    );
    assert.equal(events.at(-1)?.full, false);

    // A reconnect within the grace period keeps the endpoint.
    a.close();
    const again = auto.connect(node("a", "10.0.0.1", "v1"));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(registry.snapshot().endpoints(HOST, 50051).length, 1);
    again?.close();
    await waitFor("the last endpoint to go", () => registry.snapshot().service(HOST) === undefined);
    assert.equal(events.at(-1)?.full, true, "the host vanished");
    auto.close();
  });

  it("stamps workloads from an Istio WorkloadGroup named in AUTO_REGISTER_GROUP", () => {
    const store = new ConfigStore();
    const p = parseResources(
      "apiVersion: networking.istio.io/v1\nkind: WorkloadGroup\nmetadata: {name: greeter, namespace: demo}\nspec:\n  metadata:\n    labels: {app: greeter, tier: backend}\n  template:\n    ports: {grpc: 50051}\n    serviceAccount: greeter\n",
      "wg.yaml",
    );
    store.setSource("wg.yaml", p.resources);
    const registry = new ServiceRegistry();
    const auto = new AutoRegistration(registry, () => store.snapshot(), { graceMs: 0 });
    const reg = auto.connect(
      clientIdentity({
        id: "vm",
        metadata: { NAMESPACE: "demo", AUTO_REGISTER_GROUP: "greeter", INSTANCE_IPS: "10.9.0.1" },
      }),
    );
    assert.ok(reg);
    assert.deepEqual(reg.instance.labels, { app: "greeter", tier: "backend" });
    assert.equal(reg.instance.serviceAccount, "greeter");
    assert.equal(registry.snapshot().endpoints(HOST, 50051)[0].address, "10.9.0.1");
    const missing = auto.connect(
      clientIdentity({
        id: "vm2",
        metadata: { NAMESPACE: "demo", AUTO_REGISTER_GROUP: "nope", INSTANCE_IPS: "10.9.0.2" },
      }),
    );
    assert.equal(missing, undefined);
    reg.close();
    assert.equal(registry.snapshot().service(HOST), undefined);
  });
});

describe("static endpoints from config", () => {
  it("turns ServiceEntries and WorkloadEntries into services and endpoints", () => {
    const store = new ConfigStore();
    const registry = new ServiceRegistry();
    const events: RegistryEvent[] = [];
    syncConfigEndpoints(store, registry);
    registry.subscribe((e) => events.push(e));
    const text = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy, namespace: demo}
spec:
  hosts: [legacy.example.com]
  ports: [{number: 80, name: grpc, targetPort: 20880}]
  resolution: STATIC
  endpoints:
  - address: 10.0.0.1
  - address: 10.0.0.2
    ports: {grpc: 20881}
    locality: r1/z1
    weight: 3
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vms, namespace: demo}
spec:
  hosts: [vms.demo.internal]
  ports: [{number: 9090, name: grpc}]
  resolution: STATIC
  workloadSelector:
    labels: {role: vm}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm-1, namespace: demo}
spec:
  address: 10.0.1.1
  labels: {app: greeter, role: vm, version: v1}
  ports: {grpc: 50051}
`;
    const p = parseResources(text, "se.yaml");
    assert.equal(p.ok, true);
    store.setSource("se.yaml", p.resources);
    const snap = registry.snapshot();
    assert.deepEqual(
      snap.endpoints("legacy.example.com", 80).map((e) => [e.address, e.port, e.weight, e.locality?.zone]),
      [
        ["10.0.0.1", 20880, 1, undefined],
        ["10.0.0.2", 20881, 3, "z1"],
      ],
    );
    // Selected by the ServiceEntry; the WorkloadEntry's port of the same name is where it listens.
    assert.deepEqual(
      snap.endpoints("vms.demo.internal", 9090).map((e) => `${e.address}:${e.port}`),
      ["10.0.1.1:50051"],
    );
    // And the implicit Kubernetes-like service of its app label.
    assert.deepEqual(
      snap.endpoints(HOST, 50051).map((e) => `${e.address}:${e.port}`),
      ["10.0.1.1:50051"],
    );
    assert.equal(events.at(-1)?.full, true);

    // Editing only a WorkloadEntry's address is an endpoints-only change.
    const moved = parseResources(text.replace("address: 10.0.1.1", "address: 10.0.1.2"), "se.yaml");
    store.setSource("se.yaml", moved.resources);
    assert.equal(events.at(-1)?.full, false);
    assert.ok(events.at(-1)?.hosts.has(HOST));
    assert.deepEqual(
      registry
        .snapshot()
        .endpoints(HOST, 50051)
        .map((e) => e.address),
      ["10.0.1.2"],
    );
  });
});
