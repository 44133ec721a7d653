import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clientIdentity } from "../src/registry/node-metadata.js";
import { TypeUrl } from "../src/translate/translator.js";
import { mesh } from "./support/mesh-fixture.js";
import { validated } from "./support/validate.js";

const NAME = "xds.istio.io/grpc/lds/inbound/10.0.0.1:50051";
const server = clientIdentity({
  id: "greeter-v1",
  metadata: { NAMESPACE: "demo", LABELS: { app: "greeter", version: "v1" }, INSTANCE_IPS: "10.0.0.1" },
});

const policies = `apiVersion: security.istio.io/v1
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
        namespaces: [demo]
    to:
    - operation:
        paths: [/greet.v1.GreetService/*]
        methods: [POST]
    when:
    - key: request.headers[x-tenant]
      values: [acme]
  - from:
    - source:
        ipBlocks: [127.0.0.0/8]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-admin, namespace: istio-system}
spec:
  action: DENY
  rules:
  - to:
    - operation:
        paths: [/admin.*]
        notPorts: ["9090"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: other-app, namespace: demo}
spec:
  selector:
    matchLabels: {app: other}
  action: DENY
  rules: [{}]
`;

describe("translator: inbound listeners of xDS-enabled servers", () => {
  it("plaintext, router only, catch-all non-forwarding route when no policy applies", () => {
    const l = validated(mesh("").translator().resource(TypeUrl.listener, NAME, server), "Listener");
    assert.equal(l.kind, "server");
    if (l.kind !== "server") return;
    assert.deepEqual(l.address, { host: "10.0.0.1", port: 50051 });
    const chain = l.filterChains[0];
    assert.equal(chain.name, "inbound-plaintext");
    assert.deepEqual(
      chain.httpConnectionManager.httpFilters.map((f) => f.name),
      ["envoy.filters.http.router"],
    );
    const routes = chain.httpConnectionManager.routes;
    assert.ok(routes.kind === "inline");
    assert.equal(routes.routeConfiguration.virtualHosts[0].routes[0].action.kind, "non_forwarding");
  });

  it("AuthorizationPolicies that select the workload become RBAC filters, DENY before ALLOW", () => {
    const l = validated(mesh(policies).translator().resource(TypeUrl.listener, NAME, server), "Listener");
    assert.ok(l.kind === "server");
    const filters = l.filterChains[0].httpConnectionManager.httpFilters;
    assert.deepEqual(
      filters.map((f) => f.name),
      ["envoy.filters.http.rbac.DENY", "envoy.filters.http.rbac", "envoy.filters.http.router"],
    );
    const deny = filters[0];
    const allow = filters[1];
    assert.ok(deny.kind === "rbac" && allow.kind === "rbac");
    assert.equal(deny.config.rules?.action, "DENY");
    assert.deepEqual(
      deny.config.rules?.policies.map((p) => p.name),
      ["ns[istio-system]-policy[deny-admin]-rule[0]"],
    );
    assert.equal(allow.config.rules?.action, "ALLOW");
    assert.deepEqual(
      allow.config.rules?.policies.map((p) => p.name),
      ["ns[demo]-policy[allow-frontend]-rule[0]", "ns[demo]-policy[allow-frontend]-rule[1]"],
    );
  });

  it("an ALLOW policy without rules allows nothing; STRICT PeerAuthentication asks for client certificates", () => {
    const yaml = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-nothing, namespace: demo}
spec:
  action: ALLOW
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: demo}
spec:
  mtls: {mode: STRICT}
`;
    const l = validated(mesh(yaml).translator().resource(TypeUrl.listener, NAME, server), "Listener");
    assert.ok(l.kind === "server");
    const chain = l.filterChains[0];
    assert.equal(chain.name, "inbound-mtls");
    assert.equal(chain.tls?.requireClientCertificate, true);
    const allow = chain.httpConnectionManager.httpFilters[0];
    assert.ok(allow.kind === "rbac");
    assert.deepEqual(allow.config.rules?.policies, []);
  });
});
