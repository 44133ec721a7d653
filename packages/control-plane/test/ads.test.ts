import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { ControlPlane } from "../src/control-plane.js";
import { ClusterLoadAssignmentSchema } from "../src/envoy/gen.js";
import { TypeUrl } from "../src/translate/translator.js";
import { AdsTestClient, DeltaTestClient, type NodeInit } from "./support/ads-client.js";
import { GREETER_ENDPOINTS } from "./support/mesh-fixture.js";
import { waitFor } from "./support/wait.js";

const HOST = "greeter.demo.svc.cluster.local";
const LISTENER = `${HOST}:50051`;
const ROUTE = `outbound|50051||${HOST}`;
const CLUSTER = ROUTE;
const TOKEN = "t";

const consumer = {
  id: "consumer-1",
  metadata: { GENERATOR: "grpc", NAMESPACE: "demo", LABELS: { app: "frontend" } },
  locality: {},
};

function endpointsOf(res: { resources: { value: Uint8Array }[] }): string[] {
  return res.resources.flatMap((a) => {
    const cla = fromBinary(ClusterLoadAssignmentSchema, a.value);
    return cla.endpoints.flatMap((l) =>
      l.lbEndpoints.map((e) => {
        const ep = e.hostIdentifier.case === "endpoint" ? e.hostIdentifier.value : undefined;
        const sa = ep?.address?.address.case === "socketAddress" ? ep.address.address.value : undefined;
        return `${sa?.address}:${sa?.portSpecifier.case === "portValue" ? sa.portSpecifier.value : ""}`;
      }),
    );
  });
}

describe("ADS server (state of the world)", () => {
  let cp: ControlPlane;
  let base: string;
  const clients: AdsTestClient[] = [];
  const open = (node: NodeInit = consumer) => {
    const c = new AdsTestClient(base, node);
    clients.push(c);
    return c;
  };

  before(async () => {
    cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 30, maxMs: 1000 }, registrationGraceMs: 100 });
    const { port } = await cp.start();
    base = `http://127.0.0.1:${port}`;
    await put("workloadentries", "greeter", GREETER_ENDPOINTS);
    await cp.ads.nextPush();
  });
  after(async () => {
    for (const c of clients) await c.close();
    await cp.close();
  });

  async function put(kind: string, name: string, yaml: string, method = "PUT") {
    // GREETER_ENDPOINTS holds two documents: send them one by one.
    for (const doc of yaml.split(/^---$/m)) {
      const n = /name: ([\w.-]+)/.exec(doc)?.[1] ?? name;
      const res = await fetch(`${base}/api/v1/${kind}/demo/${n}`, {
        method,
        body: doc,
        headers: { "content-type": "application/yaml", authorization: `Bearer ${TOKEN}` },
      });
      assert.ok(res.status < 300, await res.text());
    }
  }

  it("serves the LDS -> RDS -> CDS -> EDS chain and records every ACK", async () => {
    const c = open();
    c.subscribe(TypeUrl.listener, [LISTENER]);
    const lds = await c.next(TypeUrl.listener);
    assert.equal(lds.resources.length, 1);
    c.ack(lds, [LISTENER]);
    c.subscribe(TypeUrl.routeConfiguration, [ROUTE]);
    const rds = await c.next(TypeUrl.routeConfiguration);
    c.ack(rds, [ROUTE]);
    c.subscribe(TypeUrl.cluster, [CLUSTER]);
    const cds = await c.next(TypeUrl.cluster);
    c.ack(cds, [CLUSTER]);
    c.subscribe(TypeUrl.clusterLoadAssignment, [CLUSTER]);
    const eds = await c.next(TypeUrl.clusterLoadAssignment);
    c.ack(eds, [CLUSTER]);
    assert.deepEqual(endpointsOf(eds), ["10.0.0.1:50051", "10.0.0.2:50051"]);
    const adsz = await waitFor("all four ACKs in /debug/adsz", async () => {
      const body = (await (await fetch(`${base}/debug/adsz`)).json()) as {
        clients: { node: { id: string }; types: Record<string, { status: string; acks: number }> }[];
      };
      const me = body.clients.find((x) => x.node.id === "consumer-1");
      return me !== undefined &&
        Object.values(me.types).every((t) => t.status === "SYNCED") &&
        Object.keys(me.types).length === 4
        ? me
        : undefined;
    });
    assert.deepEqual(Object.keys(adsz.types).sort(), ["CDS", "EDS", "LDS", "RDS"]);
    const syncz = (await (await fetch(`${base}/debug/syncz`)).json()) as {
      proxy: string;
      LDS: { status: string };
    }[];
    assert.equal(syncz.find((s) => s.proxy === "consumer-1")?.LDS.status, "SYNCED");
  });

  it("records NACKs, ignores requests carrying a stale nonce, and answers new subscriptions", async () => {
    const c = open({ ...consumer, id: "consumer-2" });
    c.subscribe(TypeUrl.cluster, [CLUSTER]);
    const first = await c.next(TypeUrl.cluster);
    c.nack(first, [CLUSTER], "", "cluster rejected for the test");
    // A request with an old nonce (not the last one sent) must not trigger a response.
    c.send({
      typeUrl: TypeUrl.cluster,
      resourceNames: [CLUSTER, `outbound|50051|v1|${HOST}`],
      versionInfo: "",
      responseNonce: "stale",
    });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(c.pending().length, 0);
    // The same change with the current nonce gets the whole (SotW) set, including the unknown subset
    // left out: it does not exist.
    c.send({
      typeUrl: TypeUrl.cluster,
      resourceNames: [CLUSTER, `outbound|50051|v1|${HOST}`],
      versionInfo: "",
      responseNonce: first.nonce,
    });
    const second = await c.next(TypeUrl.cluster);
    assert.equal(second.resources.length, 1);
    const conn = [...cp.ads.connections.values()].find((x) => x.node?.id === "consumer-2");
    const st = conn?.types.get(TypeUrl.cluster);
    assert.equal(st?.nacks, 1);
    assert.equal(st?.nack?.message, "cluster rejected for the test");
    assert.match(await (await fetch(`${base}/metrics`)).text(), /pilot_total_xds_rejects\{type="cds"\} 1/);
  });

  it("an endpoint-only change pushes EDS only; a config change pushes only what it changed", async () => {
    const c = open({ ...consumer, id: "consumer-3" });
    const names: Record<string, string[]> = {
      [TypeUrl.listener]: [LISTENER],
      [TypeUrl.routeConfiguration]: [ROUTE],
      [TypeUrl.cluster]: [CLUSTER],
      [TypeUrl.clusterLoadAssignment]: [CLUSTER],
    };
    for (const [t, n] of Object.entries(names)) {
      c.subscribe(t, n);
      c.ack(await c.next(t), n);
    }
    // Move one endpoint: a WorkloadEntry edit is a registry change for one host.
    await put(
      "workloadentries",
      "greeter-v2",
      GREETER_ENDPOINTS.split(/^---$/m)[1].replace("10.0.0.2", "10.0.0.3"),
    );
    const eds = await c.next(TypeUrl.clusterLoadAssignment);
    assert.deepEqual(endpointsOf(eds), ["10.0.0.1:50051", "10.0.0.3:50051"]);
    c.ack(eds, names[TypeUrl.clusterLoadAssignment]);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(
      c.pending().map((r) => r.typeUrl),
      [],
      "nothing but EDS was pushed",
    );

    // A VirtualService changes routes only: RDS is pushed, LDS/CDS/EDS are unchanged and not resent.
    await put(
      "virtualservices",
      "greeter",
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: greeter}\nspec:\n  hosts: [greeter]\n  http:\n  - route:\n    - destination: {host: greeter}\n    timeout: 2s\n",
    );
    const rds = await c.next(TypeUrl.routeConfiguration);
    c.ack(rds, names[TypeUrl.routeConfiguration]);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(
      c.pending().map((r) => r.typeUrl),
      [],
    );
    const push = cp.ads.pushes.at(-1);
    assert.equal(push?.full, true);
  });

  it("debounces a burst of changes into one push", async () => {
    const before = cp.ads.pushes.length;
    for (let i = 0; i < 5; i++) {
      await put(
        "destinationrules",
        "greeter",
        `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: greeter}\nspec:\n  host: greeter\n  subsets:\n  - name: s${i}\n    labels: {version: v${i}}\n`,
      );
    }
    await waitFor("the debounced push", () => cp.ads.pushes.length > before);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(cp.ads.pushes.length - before, 1);
  });

  it("auto-registers a workload from its node metadata and removes it after the grace period", async () => {
    const w = open({
      id: "greeter-v3",
      metadata: {
        NAMESPACE: "demo",
        APP: "greeter",
        LABELS: { version: "v3" },
        INSTANCE_IPS: "10.0.0.9",
        DUBBO_PORTS: "grpc:50051",
      },
      locality: {},
    });
    const watcher = open({ ...consumer, id: "consumer-4" });
    watcher.subscribe(TypeUrl.clusterLoadAssignment, [CLUSTER]);
    let eds = await watcher.next(TypeUrl.clusterLoadAssignment);
    watcher.ack(eds, [CLUSTER]);
    // The workload's first request identifies it (it may subscribe to nothing of interest).
    w.subscribe(TypeUrl.listener, []);
    eds = await watcher.next(TypeUrl.clusterLoadAssignment);
    watcher.ack(eds, [CLUSTER]);
    assert.ok(endpointsOf(eds).includes("10.0.0.9:50051"));
    await w.close();
    eds = await watcher.next(TypeUrl.clusterLoadAssignment, 3000);
    assert.ok(!endpointsOf(eds).includes("10.0.0.9:50051"));
  });
});

describe("ADS server (delta)", () => {
  it("sends changed resources with versions, and removals", async () => {
    const cp = new ControlPlane({ debounce: { quietMs: 20, maxMs: 500 } });
    const { port } = await cp.start();
    const c = new DeltaTestClient(`http://127.0.0.1:${port}`, consumer);
    const w = new AdsTestClient(`http://127.0.0.1:${port}`, {
      id: "w",
      metadata: { NAMESPACE: "demo", APP: "greeter", INSTANCE_IPS: "10.0.0.5", DUBBO_PORTS: "50051" },
    });
    try {
      w.subscribe(TypeUrl.listener, []);
      await waitFor("registration", () => cp.registry.snapshot().service(HOST) !== undefined);
      await cp.ads.nextPush();
      c.send({ typeUrl: TypeUrl.cluster, resourceNamesSubscribe: [CLUSTER] });
      const r1 = await c.next();
      assert.deepEqual(
        r1.resources.map((r) => r.name),
        [CLUSTER],
      );
      assert.ok(r1.resources[0].version !== "");
      c.send({ typeUrl: TypeUrl.cluster, responseNonce: r1.nonce });
      await w.close();
      await new Promise((r) => setTimeout(r, 50));
      cp.autoRegistration.close();
      cp.registry.removeInstance("ads", cp.registry.listInstances("ads")[0]?.id ?? "");
      const r2 = await c.next();
      assert.deepEqual(r2.removedResources, [CLUSTER]);
    } finally {
      await c.close();
      await w.close();
      await cp.close();
    }
  });
});
