import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatProblem } from "../src/config/problem.js";
import { parseResources } from "../src/config/yaml-resources.js";

const vs = (apiVersion: string) => `apiVersion: ${apiVersion}
kind: VirtualService
metadata:
  name: greeter
  namespace: demo
spec:
  hosts: [greeter]
  http:
  - name: canary
    match:
    - headers:
        x-canary: {exact: "true"}
      uri: {prefix: /greet.v1.GreetService/}
    route:
    - destination: {host: greeter, subset: v2}
  - route:
    - destination: {host: greeter, subset: v1}
      weight: 80
    - destination: {host: greeter, subset: v2}
      weight: 20
    timeout: 1.5s
    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: unavailable}
    fault:
      abort: {grpcStatus: UNAVAILABLE, percentage: {value: 10}}
`;

describe("config parsing", () => {
  for (const v of ["networking.istio.io/v1", "networking.istio.io/v1beta1", "networking.istio.io/v1alpha3"]) {
    it(`accepts a VirtualService as ${v}`, () => {
      const p = parseResources(vs(v), "vs.yaml");
      assert.deepEqual(p.problems, []);
      assert.equal(p.resources.length, 1);
      const r = p.resources[0];
      assert.equal(r.kind, "VirtualService");
      assert.equal(r.metadata.namespace, "demo");
      if (r.kind !== "VirtualService") return;
      assert.equal(r.spec.http[1].timeoutMs, 1500);
      assert.deepEqual(r.spec.http[1].retries, { attempts: 3, perTryTimeoutMs: 500, retryOn: "unavailable" });
      assert.equal(r.spec.http[1].fault?.abort?.grpcStatus, "UNAVAILABLE");
      assert.equal(r.spec.http[1].route[0].weight, 80);
    });
  }

  it("accepts every Istio kind it serves, as users write them", () => {
    const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter}
spec:
  host: greeter.demo.svc.cluster.local
  trafficPolicy:
    loadBalancer:
      consistentHash: {httpHeaderName: x-user}
    connectionPool:
      http: {http2MaxRequests: 100}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 3m, maxEjectionPercent: 50}
  subsets:
  - name: v1
    labels: {version: v1}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: LEAST_REQUEST}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy}
spec:
  hosts: [legacy.example.com]
  ports: [{number: 20880, name: grpc, protocol: GRPC}]
  resolution: STATIC
  location: MESH_INTERNAL
  endpoints:
  - address: 10.0.0.1
    labels: {version: v1}
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: {name: vm-1, namespace: demo}
spec:
  address: 10.0.0.2
  labels: {app: greeter, version: v1}
  ports: {grpc: 50051}
---
apiVersion: networking.istio.io/v1
kind: WorkloadGroup
metadata: {name: greeter, namespace: demo}
spec:
  metadata:
    labels: {app: greeter}
  template:
    ports: {grpc: 50051}
    serviceAccount: greeter
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: demo}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-frontend, namespace: demo}
spec:
  selector:
    matchLabels: {app: greeter}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: [cluster.local/ns/demo/sa/frontend]
    to:
    - operation:
        paths: [/greet.v1.GreetService/*]
    when:
    - key: request.headers[x-tenant]
      values: [acme]
`;
    const p = parseResources(text, "all.yaml");
    assert.deepEqual(p.problems.map(formatProblem), []);
    assert.deepEqual(
      p.resources.map((r) => r.kind),
      [
        "DestinationRule",
        "ServiceEntry",
        "WorkloadEntry",
        "WorkloadGroup",
        "PeerAuthentication",
        "AuthorizationPolicy",
      ],
    );
    const dr = p.resources[0];
    assert.ok(dr.kind === "DestinationRule");
    assert.equal(dr.spec.trafficPolicy?.outlierDetection?.baseEjectionTimeMs, 180_000);
    assert.equal(dr.spec.trafficPolicy?.connectionPool?.http2MaxRequests, 100);
    assert.equal(dr.spec.subsets[1].trafficPolicy?.loadBalancer?.simple, "LEAST_REQUEST");
  });

  it("rejects a wrong type with file, line, column and the field path", () => {
    const bad = vs("networking.istio.io/v1").replace("weight: 20", 'weight: "20"');
    const p = parseResources(bad, "vs.yaml");
    assert.equal(p.ok, false);
    assert.deepEqual(p.resources, []);
    assert.equal(p.problems.length, 1);
    assert.equal(
      formatProblem(p.problems[0]),
      "vs.yaml:20:15: error: spec.http[1].route[1].weight: must be an integer, got a string",
    );
  });

  it("rejects unknown kinds and wrong API versions at their line", () => {
    const p = parseResources(
      "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\n---\napiVersion: security.istio.io/v1alpha3\nkind: PeerAuthentication\nmetadata: {name: p}\n",
      "x.yaml",
    );
    assert.equal(p.problems.length, 2);
    assert.match(formatProblem(p.problems[0]), /^x\.yaml:2:7: error: kind: unknown kind "Gateway"/);
    assert.match(
      formatProblem(p.problems[1]),
      /^x\.yaml:5:13: error: apiVersion: PeerAuthentication is served as security\.istio\.io\/v1/,
    );
  });

  it("reports YAML syntax errors and missing fields", () => {
    const syntax = parseResources("kind: [VirtualService\nmetadata: x\n", "s.yaml");
    assert.equal(syntax.ok, false);
    assert.equal(syntax.problems[0].file, "s.yaml");
    const missing = parseResources(
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: a}\nspec:\n  http: []\n",
      "m.yaml",
    );
    assert.match(
      formatProblem(missing.problems[0]),
      /m\.yaml:5:3: error: spec\.hosts: must list at least one host/,
    );
  });

  it("warns about unknown fields (Kubernetes prunes them) without rejecting", () => {
    const p = parseResources(
      vs("networking.istio.io/v1").replace("  hosts: [greeter]", "  hosts: [greeter]\n  hostz: [x]"),
      "w.yaml",
    );
    assert.equal(p.ok, true);
    assert.equal(p.problems[0].severity, "warning");
    assert.match(p.problems[0].message, /spec\.hostz: unknown field/);
  });

  it("checks durations, weights, fault and retry fields", () => {
    const cases: [string, string, RegExp][] = [
      ["timeout: 1.5s", "timeout: soon", /spec\.http\[1\]\.timeout: must be a duration/],
      ["weight: 20", "weight: 30", /spec\.http\[1\]\.route: weights must add up to 100, got 110/],
      ["grpcStatus: UNAVAILABLE", "grpcStatus: BROKEN", /grpcStatus: must be a gRPC status name/],
      ["attempts: 3", "attempts: -1", /attempts: must be between 0 and 1000/],
      [
        "{prefix: /greet.v1.GreetService/}",
        "{prefix: /a, exact: /b}",
        /uri: must set exactly one of exact, prefix, regex/,
      ],
    ];
    for (const [from, to, expected] of cases) {
      const p = parseResources(vs("networking.istio.io/v1").replace(from, to), "c.yaml");
      assert.equal(p.ok, false, to);
      assert.match(p.problems.map(formatProblem).join("\n"), expected);
    }
  });

  it("accepts Dubbo rules wrapped as dubbo.apache.org/v1alpha1 resources", () => {
    const p = parseResources(
      `apiVersion: dubbo.apache.org/v1alpha1
kind: ConditionRoute
metadata: {name: comment-route, namespace: demo}
spec:
  configVersion: v3.0
  scope: service
  key: org.apache.dubbo.samples.CommentService
  force: true
  conditions:
  - method=getComment => region=Hangzhou
  - application=consumer & method!=foo,bar =>
---
apiVersion: dubbo.apache.org/v1alpha1
kind: TagRoute
metadata: {name: shop-detail-tags}
spec:
  configVersion: v3.0
  key: shop-detail
  tags:
  - name: gray
    match:
    - key: env
      value: {exact: gray}
---
apiVersion: dubbo.apache.org/v1alpha1
kind: DynamicConfig
metadata: {name: user-timeout}
spec:
  configVersion: v3.0
  scope: service
  key: org.apache.dubbo.samples.UserService
  configs:
  - side: consumer
    parameters: {timeout: 2000, retries: '4'}
`,
      "dubbo.yaml",
    );
    assert.deepEqual(p.problems.map(formatProblem), []);
    const [cr, tr, dc] = p.resources;
    assert.ok(cr.kind === "ConditionRoute" && tr.kind === "TagRoute" && dc.kind === "DynamicConfig");
    assert.deepEqual(cr.spec.conditions[0].parsed, {
      when: [{ key: "method", op: "=", values: ["getComment"] }],
      to: [{ key: "region", op: "=", values: ["Hangzhou"] }],
    });
    assert.equal(cr.spec.conditions[1].parsed.to, "deny");
    assert.deepEqual(cr.spec.conditions[1].parsed.when[1], {
      key: "method",
      op: "!=",
      values: ["foo", "bar"],
    });
    assert.deepEqual(dc.spec.configs[0].parameters, { timeout: "2000", retries: "4" });
  });

  it("accepts raw Dubbo Admin YAML, named by Dubbo's rule key in namespace dubbo", () => {
    const p = parseResources(
      `configVersion: v3.1
scope: service
key: org.apache.demo.DemoService:1.0.0:demo
force: false
conditions:
  - from: {match: method=SayHello}
    to:
      - {match: region=hangzhou, weight: 80}
      - {match: region=shanghai, weight: 20}
`,
      "raw.yaml",
    );
    assert.deepEqual(p.problems, []);
    const r = p.resources[0];
    assert.equal(r.kind, "ConditionRoute");
    assert.equal(r.metadata.name, "org.apache.demo.DemoService:1.0.0:demo.condition-router");
    assert.equal(r.metadata.namespace, "dubbo");
    assert.ok(r.kind === "ConditionRoute");
    assert.equal(r.spec.conditions[0].weighted?.length, 2);
  });

  it("locates errors inside raw Dubbo rules and rejects mixed condition forms", () => {
    const p = parseResources(
      "configVersion: v3.0\nkey: a.B\nconditions:\n  - method=x => region=y\n  - from: {match: method=z}\n",
      "raw.yaml",
    );
    assert.equal(p.ok, false);
    assert.match(formatProblem(p.problems[0]), /^raw\.yaml:4:3: error: spec\.conditions: must not mix/);
    const g = parseResources("configVersion: v3.0\nkey: a.B\nconditions:\n  - method x\n", "g.yaml");
    assert.match(
      formatProblem(g.problems[0]),
      /^g\.yaml:4:5: error: spec\.conditions\[0\]: cannot parse "method x"/,
    );
  });
});
