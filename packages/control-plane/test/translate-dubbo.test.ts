import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigStore } from "../src/config/config-store.js";
import { parseResources } from "../src/config/yaml-resources.js";
import { clientIdentity } from "../src/registry/node-metadata.js";
import { ServiceRegistry } from "../src/registry/service-registry.js";
import type { WorkloadInstance } from "../src/registry/workload-instance.js";
import { Translator, TypeUrl } from "../src/translate/translator.js";
import { validated } from "./support/validate.js";

const HOST = "comment.demo.svc.cluster.local";
const IFACE = "org.apache.dubbo.samples.CommentService";
const ROUTE = `outbound|20880||${HOST}`;

function provider(id: string, address: string, labels: Record<string, string>): WorkloadInstance {
  return {
    id,
    source: "test",
    address,
    namespace: "demo",
    labels: { app: "comment", ...labels },
    ports: [{ name: "tri", port: 20880 }],
    services: [HOST],
    weight: 1,
    healthy: true,
    dubboServices: [IFACE],
  };
}

function setup(yaml: string) {
  const store = new ConfigStore();
  const p = parseResources(yaml, "dubbo.yaml");
  assert.equal(p.ok, true, JSON.stringify(p.problems));
  store.setSource("dubbo.yaml", p.resources);
  const registry = new ServiceRegistry();
  registry.upsertInstance(provider("hz", "10.0.0.1", { region: "Hangzhou" }));
  registry.upsertInstance(provider("sh", "10.0.0.2", { region: "Shanghai", "dubbo.tag": "gray" }));
  return new Translator(store.snapshot(), registry.snapshot());
}

const consumer = clientIdentity(
  { id: "c", metadata: { NAMESPACE: "demo", APP: "shop-frontend" } },
  "10.9.9.9",
);
const other = clientIdentity({ id: "o", metadata: { NAMESPACE: "demo", APP: "batch" } }, "10.9.9.8");

function routesOf(t: Translator, node = consumer) {
  return validated(t.resource(TypeUrl.routeConfiguration, ROUTE, node), "RouteConfiguration").virtualHosts[0]
    .routes;
}

function endpointsOf(t: Translator, cluster: string): string[] {
  const cla = validated(
    t.resource(TypeUrl.clusterLoadAssignment, cluster, consumer),
    "ClusterLoadAssignment",
  );
  return cla.localities.flatMap((l) => l.endpoints.map((e) => `${e.address.host}/${e.weight}`));
}

describe("translator: Dubbo rules", () => {
  it("condition route on a method -> path route to a generated subset, with its cluster and endpoints", () => {
    const t = setup(`configVersion: v3.0
scope: service
key: ${IFACE}
force: true
conditions:
  - method=getComment => region=Hangzhou
  - method!=listComments => region=Shanghai
  - arguments[0]=vip => region=Shanghai
`);
    const routes = routesOf(t);
    // The != method and argument conditions are left to the SDK; the default route stays last.
    assert.equal(routes.length, 2);
    assert.deepEqual(routes[0].match.path, { kind: "path", path: `/${IFACE}/getComment` });
    assert.ok(routes[0].action.kind === "cluster");
    const cluster = routes[0].action.cluster;
    assert.match(
      cluster,
      new RegExp(`^outbound\\|20880\\|dubbo-[0-9a-f]{10}\\|${HOST.replace(/\./g, "\\.")}$`),
    );
    validated(t.resource(TypeUrl.cluster, cluster, consumer), "Cluster");
    assert.deepEqual(endpointsOf(t, cluster), ["10.0.0.1/1"]);
    assert.equal(routes[1].name, "default");
  });

  it("force: false steps aside when no provider matches; an empty right side denies with UNAVAILABLE", () => {
    const t = setup(`configVersion: v3.0
scope: service
key: ${IFACE}
force: false
conditions:
  - method=a => region=Beijing
  - method=b =>
`);
    const routes = routesOf(t);
    assert.deepEqual(
      routes.map((r) => r.name),
      ["dubbo-1", "default"],
    );
    const fault = routes[0].filterOverrides["envoy.filters.http.fault"];
    assert.ok(fault?.kind === "fault");
    assert.equal(fault.config.abort?.kind === "status" && fault.config.abort.code, 14);
  });

  it("v3.1 weighted destinations, and consumer conditions decided per client", () => {
    const t = setup(`configVersion: v3.1
scope: application
key: comment
conditions:
  - from: {match: application=shop-frontend}
    to:
      - {match: region=Hangzhou, weight: 80}
      - {match: region=Shanghai, weight: 20}
`);
    const mine = routesOf(t, consumer);
    assert.equal(mine.length, 2);
    assert.ok(mine[0].action.kind === "weighted_clusters");
    assert.deepEqual(
      mine[0].action.clusters.map((c) => c.weight),
      [80, 20],
    );
    const theirs = routesOf(t, other);
    assert.deepEqual(
      theirs.map((r) => r.name),
      ["default"],
    );
  });

  it("tag routes: dubbo.tag header to the tag's providers, untagged traffic to untagged providers", () => {
    const t = setup(`configVersion: v3.0
key: comment
force: true
tags:
  - name: gray
  - name: blue
    addresses: ["10.0.0.99"]
`);
    const routes = routesOf(t);
    assert.deepEqual(
      routes.map((r) => r.name),
      ["tag-gray", "tag-blue", "default"],
    );
    assert.equal(routes[0].match.headers[0].name, "dubbo.tag");
    const cluster = (i: number) => (routes[i].action.kind === "cluster" ? routes[i].action.cluster : "");
    assert.deepEqual(endpointsOf(t, cluster(0)), ["10.0.0.2/1"]);
    assert.deepEqual(endpointsOf(t, cluster(1)), [], "force: an empty tag gets no providers");
    assert.deepEqual(endpointsOf(t, cluster(2)), ["10.0.0.1/1"], "untagged calls avoid tagged providers");
  });

  it("dynamic config: consumer timeout, retries, load balancing; provider weight and disabled", () => {
    const t = setup(`configVersion: v3.0
scope: service
key: ${IFACE}
configs:
  - side: consumer
    parameters: {timeout: 2000, retries: 4, loadbalance: leastactive}
  - side: provider
    addresses: ["10.0.0.1:20880"]
    parameters: {weight: 50}
  - side: provider
    addresses: ["10.0.0.2"]
    parameters: {disabled: "true"}
`);
    const [route] = routesOf(t);
    assert.ok(route.action.kind === "cluster");
    assert.equal(route.action.maxStreamDurationMs, 2000);
    assert.equal(route.action.retryPolicy?.maxAttempts, 5);
    const cluster = validated(t.resource(TypeUrl.cluster, ROUTE, consumer), "Cluster");
    assert.equal(cluster.lbPolicy.kind, "least_request");
    assert.deepEqual(endpointsOf(t, ROUTE), ["10.0.0.1/50"]);
  });
});
