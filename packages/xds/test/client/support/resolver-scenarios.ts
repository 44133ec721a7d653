// watchTarget against a control plane: the Listener -> RouteConfiguration -> Cluster -> endpoints
// chain, followed and re-followed as the configuration changes.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type AdsProtocolName,
  buildBootstrap,
  type TargetConfig,
  watchTarget,
  XdsClient,
  type XdsClientError,
} from "../../../src/index.js";
import type { ControlPlane } from "./control-plane.js";
import { waitFor } from "./wait.js";
import {
  aggregateCluster,
  edsCluster,
  endpoints,
  inlineListener,
  listener,
  routeConfig,
} from "./xds-json.js";

let nodeCounter = 0;

class TargetRecorder {
  readonly configs: TargetConfig[] = [];
  readonly errors: XdsClientError[] = [];
  readonly missing: string[] = [];
  onUpdate(config: TargetConfig) {
    this.configs.push(config);
  }
  onError(error: XdsClientError) {
    this.errors.push(error);
  }
  onResourceDoesNotExist(r: { kind: string; name: string }) {
    this.missing.push(`${r.kind} ${r.name}`);
  }
  get last(): TargetConfig | undefined {
    return this.configs.at(-1);
  }
}

export function defineResolverScenarios(options: {
  readonly protocol: AdsProtocolName;
  readonly against: string;
  readonly start: () => Promise<ControlPlane>;
}): void {
  let cp: ControlPlane;
  const clients: XdsClient[] = [];
  before(async () => {
    cp = await options.start();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cp?.stop();
  });

  function newClient(timeoutMs = 15_000) {
    const nodeId = `resolver-${options.protocol}-${process.pid}-${++nodeCounter}`;
    const client = new XdsClient({
      bootstrap: buildBootstrap({ serverUri: `127.0.0.1:${cp.port}`, nodeId }),
      protocol: options.protocol,
      resourceTimeoutMs: timeoutMs,
      backoff: { initialMs: 100, maxMs: 500 },
      logger: { warn() {}, info() {} },
    });
    clients.push(client);
    return { client, nodeId };
  }

  const leafHosts = (config: TargetConfig | undefined, cluster: string) => {
    const c = config?.clusters.get(cluster);
    if (c === undefined || !c.ok) return undefined;
    return c.leaves.map((l) =>
      l.priorities.flat().flatMap((loc) => loc.endpoints.map((e) => e.address.host)),
    );
  };

  describe(`watchTarget over ${options.protocol} against ${options.against}`, () => {
    it("follows Listener -> RDS -> Cluster -> EDS into one TargetConfig", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", [
        listener("echo:50051", "echo-route"),
        routeConfig(
          "echo-route",
          ["echo", "echo:50051"],
          [
            {
              prefix: "/pkg.Echo/",
              weighted: [
                { name: "echo-v1", weight: 90 },
                { name: "echo-v2", weight: 10 },
              ],
            },
            { cluster: "echo-v1" },
          ],
        ),
        edsCluster("echo-v1", "eds-echo-v1"),
        edsCluster("echo-v2", "eds-echo-v2"),
        endpoints("eds-echo-v1", [
          { zone: "a", weight: 3, addresses: ["10.0.0.1:50051", "10.0.0.2:50051"] },
          { zone: "b", weight: 1, priority: 1, addresses: ["10.0.1.1:50051"] },
        ]),
        endpoints("eds-echo-v2", [{ addresses: ["10.0.2.1:50051"] }]),
      ]);
      const rec = new TargetRecorder();
      const cancel = watchTarget(client, "echo:50051", rec);
      const config = await waitFor("a config", () => rec.last);
      assert.equal(config.target, "echo:50051");
      assert.equal(config.listener.name, "echo:50051");
      assert.equal(config.routeConfiguration.name, "echo-route");
      assert.deepEqual(config.virtualHost.domains, ["echo", "echo:50051"]);
      assert.equal(config.routes.length, 2);
      assert.equal(config.httpFilters.at(-1)?.kind, "router");
      assert.deepEqual([...config.clusters.keys()].sort(), ["echo-v1", "echo-v2"]);
      const v1 = config.clusters.get("echo-v1");
      assert.ok(v1?.ok);
      assert.equal(v1.leaves.length, 1);
      const leaf = v1.leaves[0];
      assert.equal(leaf.endpointsState, "ok");
      assert.equal(leaf.priorities.length, 2);
      assert.equal(leaf.priorities[0][0].weight, 3);
      assert.deepEqual(
        leaf.priorities[0][0].endpoints.map((e) => `${e.address.host}:${e.address.port}`),
        ["10.0.0.1:50051", "10.0.0.2:50051"],
      );
      assert.equal(leaf.priorities[1][0].locality.zone, "b");
      assert.deepEqual(leafHosts(config, "echo-v2"), [["10.0.2.1"]]);
      assert.ok(Object.isFrozen(config));
      cancel();
      await waitFor("every watch to be cancelled", () => client.dump().length === 0);
    });

    it("publishes every change and drops the clusters no route names any more", async () => {
      const { client, nodeId } = newClient();
      const base = (clusterName: string) => [
        listener("svc:80", "svc-route"),
        routeConfig("svc-route", ["svc:80"], [{ cluster: clusterName }]),
        edsCluster("a", "eds-a"),
        edsCluster("b", "eds-b"),
        endpoints("eds-a", [{ addresses: ["10.1.0.1:80"] }]),
        endpoints("eds-b", [{ addresses: ["10.2.0.1:80"] }]),
      ];
      await cp.setSnapshot(nodeId, "v1", base("a"));
      const rec = new TargetRecorder();
      watchTarget(client, "svc:80", rec);
      await waitFor("cluster a", () => leafHosts(rec.last, "a")?.[0][0] === "10.1.0.1");
      // An endpoint change alone produces a new config.
      await cp.setSnapshot(nodeId, "v2", [
        ...base("a").slice(0, 5),
        endpoints("eds-b", [{ addresses: ["10.2.0.1:80"] }]),
      ]);
      await cp.setSnapshot(nodeId, "v3", base("b"));
      await waitFor("cluster b", () => leafHosts(rec.last, "b")?.[0][0] === "10.2.0.1");
      assert.deepEqual([...(rec.last?.clusters.keys() ?? [])], ["b"]);
      await waitFor("a and eds-a unsubscribed", () => {
        const names = client.dump().map((d) => d.name);
        return !names.includes("a") && !names.includes("eds-a") && names.includes("eds-b");
      });
    });

    it("takes an inline RouteConfiguration and expands an aggregate cluster in priority order", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", [
        inlineListener("agg:443", routeConfig("inline", ["agg:443"], [{ cluster: "agg" }])),
        aggregateCluster("agg", ["primary", "inner"]),
        aggregateCluster("inner", ["secondary", "primary"]),
        edsCluster("primary", "eds-primary"),
        edsCluster("secondary", "eds-secondary"),
        endpoints("eds-primary", [{ addresses: ["10.3.0.1:443"] }]),
        endpoints("eds-secondary", [{ addresses: ["10.4.0.1:443"] }]),
      ]);
      const rec = new TargetRecorder();
      watchTarget(client, "agg:443", rec);
      const config = await waitFor("a config", () => rec.last);
      assert.equal(config.routeConfiguration.name, "inline");
      const agg = config.clusters.get("agg");
      assert.ok(agg?.ok);
      assert.equal(agg.cluster.discovery.kind, "aggregate");
      assert.deepEqual(
        agg.leaves.map((l) => l.name),
        ["primary", "secondary"],
      );
      assert.deepEqual(leafHosts(config, "agg"), [["10.3.0.1"], ["10.4.0.1"]]);
      assert.equal(
        client.dump().some((d) => d.kind === "RouteConfiguration"),
        false,
      );
    });

    it("publishes a missing cluster as does_not_exist once its timer fires", async () => {
      const { client, nodeId } = newClient(400);
      await cp.setSnapshot(nodeId, "v1", [
        listener("m:80", "m-route"),
        routeConfig("m-route", ["m:80"], [{ prefix: "/a", cluster: "here" }, { cluster: "gone" }]),
        edsCluster("here", "eds-here"),
        endpoints("eds-here", [{ addresses: ["10.5.0.1:80"] }]),
      ]);
      const rec = new TargetRecorder();
      watchTarget(client, "m:80", rec);
      const config = await waitFor("a config", () => rec.last);
      assert.ok(config.clusters.get("here")?.ok);
      assert.deepEqual(config.clusters.get("gone"), {
        ok: false,
        name: "gone",
        reason: "does_not_exist",
        message: "cluster gone does not exist",
      });
    });

    it("tells the watcher when the Listener is deleted, and when no virtual host matches", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", [
        listener("x:80", "x-route"),
        listener("y:80", "x-route"),
        routeConfig("x-route", ["x:80"], [{ cluster: "x" }]),
        edsCluster("x", "eds-x"),
        endpoints("eds-x", [{ addresses: ["10.6.0.1:80"] }]),
      ]);
      const x = new TargetRecorder();
      const y = new TargetRecorder();
      watchTarget(client, "x:80", x);
      watchTarget(client, "y:80", y);
      await waitFor("x's config", () => x.last);
      await waitFor("y's error", () => y.errors.find((e) => e.kind === "resolution"));
      assert.equal(y.configs.length, 0);
      await cp.setSnapshot(nodeId, "v2", [
        listener("y:80", "x-route"),
        routeConfig("x-route", ["x:80"], [{ cluster: "x" }]),
        edsCluster("x", "eds-x"),
        endpoints("eds-x", [{ addresses: ["10.6.0.1:80"] }]),
      ]);
      await waitFor("x's listener deletion", () => x.missing.includes("Listener x:80"));
    });
  });
}
