import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TypeUrl } from "../src/translate/translator.js";
import { client, GREETER, mesh, otherNsClient } from "./support/mesh-fixture.js";
import { validated } from "./support/validate.js";

const ROUTE = `outbound|50051||${GREETER}`;

const routing = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter, namespace: demo}
spec:
  hosts: [greeter]
  http:
  - name: canary
    match:
    - headers:
        x-canary: {exact: "true"}
      uri: {prefix: /greet.v1.GreetService/}
    - method: {exact: POST}
      uri: {regex: "/greet\\\\.v1\\\\..*"}
    route:
    - destination: {host: greeter, subset: v2}
    fault:
      delay: {fixedDelay: 100ms, percentage: {value: 50}}
      abort: {grpcStatus: UNAVAILABLE, percentage: {value: 12.5}}
  - name: split
    route:
    - destination: {host: greeter, subset: v1}
      weight: 80
    - destination: {host: greeter, subset: v2}
      weight: 20
    timeout: 1.5s
    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: unavailable}
    rewrite: {authority: greeter.internal}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter, namespace: demo}
spec:
  host: greeter
  trafficPolicy:
    connectionPool:
      http: {http2MaxRequests: 100}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      loadBalancer:
        consistentHash: {httpHeaderName: x-user, ringHash: {minimumRingSize: 2048}}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: LEAST_REQUEST}
      tls: {mode: ISTIO_MUTUAL}
`;

describe("translator: outbound resources", () => {
  it("listener by FQDN or short name: api_listener HCM -> RDS over ADS, fault then router", () => {
    const t = mesh("").translator();
    for (const name of [`${GREETER}:50051`, "greeter:50051", "greeter.demo:50051", "greeter"]) {
      const l = validated(t.resource(TypeUrl.listener, name, client), "Listener");
      assert.equal(l.name, name);
      assert.equal(l.kind, "client");
      if (l.kind !== "client") continue;
      assert.deepEqual(l.httpConnectionManager.routes, { kind: "rds", routeConfigName: ROUTE });
      assert.deepEqual(
        l.httpConnectionManager.httpFilters.map((f) => f.name),
        ["envoy.filters.http.fault", "envoy.filters.http.router"],
      );
    }
    // Short names resolve only inside the service's namespace; unknown services do not exist.
    assert.equal(t.resource(TypeUrl.listener, "greeter:50051", otherNsClient), undefined);
    assert.equal(t.resource(TypeUrl.listener, "greeter:1234", client), undefined);
    assert.equal(t.resource(TypeUrl.listener, "nope:50051", client), undefined);
  });

  it("default route: domains with and without the port, istiod's default retry policy", () => {
    const t = mesh("").translator();
    const rc = validated(t.resource(TypeUrl.routeConfiguration, ROUTE, client), "RouteConfiguration");
    const vh = rc.virtualHosts[0];
    for (const d of [
      GREETER,
      `${GREETER}:50051`,
      "greeter",
      "greeter:50051",
      "greeter.demo:50051",
      "greeter.demo.svc:50051",
    ])
      assert.ok(vh.domains.includes(d), d);
    assert.equal(vh.routes.length, 1);
    const r = vh.routes[0];
    assert.equal(r.action.kind, "cluster");
    if (r.action.kind !== "cluster") return;
    assert.equal(r.action.cluster, ROUTE);
    assert.equal(r.action.retryPolicy?.maxAttempts, 3);
    assert.deepEqual(r.action.retryPolicy?.retryableStatusCodes, [1, 14]);
    // Other namespaces do not get the bare short name.
    const other = validated(
      t.resource(TypeUrl.routeConfiguration, ROUTE, otherNsClient),
      "RouteConfiguration",
    );
    assert.ok(!other.virtualHosts[0].domains.includes("greeter:50051"));
  });

  it("VirtualService: matches, weighted subsets, timeout, retries, fault, hash policy", () => {
    const t = mesh(routing).translator();
    const rc = validated(t.resource(TypeUrl.routeConfiguration, ROUTE, client), "RouteConfiguration");
    const routes = rc.virtualHosts[0].routes;
    assert.equal(routes.length, 3, "one route per match, no default appended");
    const [canary1, canary2, split] = routes;
    assert.deepEqual(canary1.match.path, { kind: "prefix", prefix: "/greet.v1.GreetService/" });
    assert.equal(canary1.match.headers[0].name, "x-canary");
    assert.equal(canary2.match.path.kind, "safe_regex");
    assert.equal(canary2.match.headers[0].name, ":method");
    assert.ok(canary1.action.kind === "cluster" && canary1.action.cluster === `outbound|50051|v2|${GREETER}`);
    const fault = canary1.filterOverrides["envoy.filters.http.fault"];
    assert.ok(fault?.kind === "fault");
    assert.deepEqual(fault.config.delay, {
      kind: "fixed",
      delayMs: 100,
      percentage: { numerator: 500_000, denominator: 1_000_000 },
    });
    assert.deepEqual(fault.config.abort, {
      kind: "status",
      code: 14,
      percentage: { numerator: 125_000, denominator: 1_000_000 },
    });
    assert.equal(split.action.kind, "weighted_clusters");
    if (split.action.kind !== "weighted_clusters") return;
    assert.deepEqual(
      split.action.clusters.map((c) => [c.name, c.weight]),
      [
        [`outbound|50051|v1|${GREETER}`, 80],
        [`outbound|50051|v2|${GREETER}`, 20],
      ],
    );
    assert.equal(split.action.maxStreamDurationMs, 1500);
    assert.equal(split.action.retryPolicy?.maxAttempts, 4);
    assert.deepEqual(split.action.retryPolicy?.retryableStatusCodes, [14]);
    // v1 (the first destination) uses a ring hash on x-user: the route carries the hash policy.
    assert.deepEqual(
      split.action.hashPolicies.map((h) => h.kind === "header" && h.headerName),
      ["x-user"],
    );
  });

  it("clusters: subsets and traffic policy (ring hash, least request, circuit breaker, outlier detection, mTLS)", () => {
    const t = mesh(routing).translator();
    const plain = validated(t.resource(TypeUrl.cluster, ROUTE, client), "Cluster");
    assert.equal(plain.discovery.kind, "eds");
    assert.equal(plain.maxRequests, 100);
    assert.ok(plain.outlierDetection !== undefined);
    const v1 = validated(t.resource(TypeUrl.cluster, `outbound|50051|v1|${GREETER}`, client), "Cluster");
    assert.equal(v1.lbPolicy.kind, "ring_hash");
    if (v1.lbPolicy.kind === "ring_hash") assert.equal(v1.lbPolicy.minRingSize, 2048);
    // LEAST_REQUEST: our client takes it; grpc-js-xds (no least_request) falls back to round robin -- and accepted it above.
    const v2 = validated(t.resource(TypeUrl.cluster, `outbound|50051|v2|${GREETER}`, client), "Cluster");
    assert.equal(v2.lbPolicy.kind, "least_request");
    assert.ok(v2.tls !== undefined);
    assert.equal(
      t.resource(TypeUrl.cluster, `outbound|50051|v3|${GREETER}`, client),
      undefined,
      "unknown subset",
    );
  });

  it("endpoints: subset selection, localities with weights", () => {
    const t = mesh(routing).translator();
    const all = validated(t.resource(TypeUrl.clusterLoadAssignment, ROUTE, client), "ClusterLoadAssignment");
    assert.deepEqual(
      all.localities.map((l) => [
        l.locality.zone,
        l.weight,
        l.endpoints.map((e) => `${e.address.host}:${e.address.port}`),
      ]),
      [
        ["a", 1, ["10.0.0.1:50051"]],
        ["b", 3, ["10.0.0.2:50051"]],
      ],
    );
    const v2 = validated(
      t.resource(TypeUrl.clusterLoadAssignment, `outbound|50051|v2|${GREETER}`, client),
      "ClusterLoadAssignment",
    );
    assert.deepEqual(
      v2.localities.flatMap((l) => l.endpoints.map((e) => e.address.host)),
      ["10.0.0.2"],
    );
  });
});
