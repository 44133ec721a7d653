import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { configScope } from "../src/ads/push-scope.js";
import { ConfigStore } from "../src/config/config-store.js";
import { parseResources } from "../src/config/yaml-resources.js";

const DOMAIN = "cluster.local";

function change(before: string, after: string) {
  const store = new ConfigStore();
  store.setSource("f.yaml", parseResources(before, "f.yaml").resources);
  const snapBefore = store.snapshot();
  const parsed = parseResources(after, "f.yaml");
  assert.equal(parsed.ok, true, JSON.stringify(parsed.problems));
  const c = store.setSource("f.yaml", parsed.resources);
  assert.ok(c !== undefined);
  return configScope(c, snapBefore, store.snapshot(), DOMAIN);
}

const vs = (host: string, dest: string, timeout = "1s") =>
  `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs-${host.replace(/[*.]/g, "x")}, namespace: demo}\nspec:\n  hosts: ["${host}"]\n  http:\n  - route:\n    - destination: {host: ${dest}}\n    timeout: ${timeout}\n`;
const dr = (host: string, hash: boolean) =>
  `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: dr-${host}, namespace: demo}\nspec:\n  host: ${host}\n${hash ? "  trafficPolicy:\n    loadBalancer:\n      consistentHash: {httpHeaderName: x-user}\n" : ""}`;

describe("push scope", () => {
  it("a VirtualService change touches its hosts only", () => {
    const s = change(vs("a", "b"), vs("a", "b", "2s"));
    assert.ok(s !== "all");
    assert.ok(s.has("a.demo.svc.cluster.local"));
    assert.ok(!s.has("b.demo.svc.cluster.local"));
  });

  it("a DestinationRule change also touches hosts whose routes lead to it (their hash policy)", () => {
    const s = change(`${vs("a", "b")}---\n${dr("b", false)}`, `${vs("a", "b")}---\n${dr("b", true)}`);
    assert.ok(s !== "all");
    assert.ok(s.has("b.demo.svc.cluster.local"));
    assert.ok(s.has("a.demo.svc.cluster.local"));
  });

  it("wildcard hosts, security policy and Dubbo rules touch everything", () => {
    assert.equal(change(vs("*.example.com", "b"), vs("*.example.com", "b", "3s")), "all");
    const ap = (action: string) =>
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: p, namespace: demo}\nspec:\n  action: ${action}\n`;
    assert.equal(change(ap("ALLOW"), ap("DENY")), "all");
    const cr = (m: string) => `configVersion: v3.0\nkey: a.B\nconditions:\n  - method=${m} => region=x\n`;
    assert.equal(change(cr("x"), cr("y")), "all");
  });
});
