// A small mesh for translator tests: greeter (v1, v2) and an echo service, with config around them.
import { ConfigStore } from "../../src/config/config-store.js";
import { parseResources } from "../../src/config/yaml-resources.js";
import { syncConfigEndpoints } from "../../src/registry/config-endpoints.js";
import { clientIdentity } from "../../src/registry/node-metadata.js";
import { ServiceRegistry } from "../../src/registry/service-registry.js";
import { Translator } from "../../src/translate/translator.js";

export const GREETER = "greeter.demo.svc.cluster.local";

export const GREETER_ENDPOINTS = `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: greeter-v1, namespace: demo}
spec:
  address: 10.0.0.1
  labels: {app: greeter, version: v1}
  ports: {grpc: 50051}
  locality: us-east/a
  serviceAccount: greeter
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: greeter-v2, namespace: demo}
spec:
  address: 10.0.0.2
  labels: {app: greeter, version: v2}
  ports: {grpc: 50051}
  locality: us-east/b
  weight: 3
  serviceAccount: greeter
`;

export function mesh(yaml: string) {
  const store = new ConfigStore();
  const parsed = parseResources(`${GREETER_ENDPOINTS}---\n${yaml}`, "mesh.yaml");
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}: ${p.message}`).join("\n"));
  store.setSource("mesh.yaml", parsed.resources);
  const registry = new ServiceRegistry();
  syncConfigEndpoints(store, registry);
  return { store, registry, translator: () => new Translator(store.snapshot(), registry.snapshot()) };
}

export const client = clientIdentity({
  id: "client",
  metadata: { NAMESPACE: "demo", LABELS: { app: "frontend" } },
});
export const otherNsClient = clientIdentity({ id: "client2", metadata: { NAMESPACE: "other" } });
