// Static services and endpoints from config: ServiceEntry hosts/ports/endpoints/workloadSelector and
// WorkloadEntries, recomputed into the registry's `config` source whenever one of those kinds changes.
// A WorkloadEntry labelled `app` is also an endpoint of `<app>.<namespace>.svc.<domain>`: without
// Kubernetes there is no Service object to select it, and that is the one a Service would be.
import type { ConfigSnapshot, ConfigStore } from "../config/config-store.js";
import { isIpLiteral } from "../config/kinds/service-entry.js";
import type { WorkloadEntrySpec } from "../config/kinds/workload-entry.js";
import { serviceHost } from "./host-names.js";
import type { ServiceRegistry } from "./service-registry.js";
import { parseLocality, type ServiceDefinition, type WorkloadInstance } from "./workload-instance.js";

export const CONFIG_SOURCE = "config";
const KINDS = new Set(["ServiceEntry", "WorkloadEntry"]);

function instanceOf(
  id: string,
  namespace: string,
  e: WorkloadEntrySpec,
  services: readonly string[],
): WorkloadInstance {
  const locality = parseLocality(e.locality);
  return {
    id,
    source: CONFIG_SOURCE,
    address: e.address,
    namespace,
    labels: e.labels,
    ports: Object.entries(e.ports).map(([name, port]) => ({ name, port })),
    services,
    ...(locality === undefined ? {} : { locality }),
    weight: e.weight !== undefined && e.weight > 0 ? e.weight : 1,
    healthy: true,
    ...(e.serviceAccount === undefined ? {} : { serviceAccount: e.serviceAccount }),
    dubboServices: (e.labels["dubbo.services"] ?? "").split(",").filter((s) => s !== ""),
  };
}

export function configEndpoints(
  config: ConfigSnapshot,
  domain?: string,
): { definitions: ServiceDefinition[]; instances: WorkloadInstance[] } {
  const definitions: ServiceDefinition[] = [];
  const instances: WorkloadInstance[] = [];
  for (const se of config.list("ServiceEntry")) {
    const ns = se.metadata.namespace;
    for (const host of se.spec.hosts) {
      definitions.push({
        host,
        namespace: ns,
        ports: se.spec.ports.map((p) => ({
          name: p.name,
          port: p.number,
          ...(p.protocol === undefined ? {} : { protocol: p.protocol }),
          ...(p.targetPort === undefined ? {} : { targetPort: p.targetPort }),
        })),
        source: CONFIG_SOURCE,
        ...(se.spec.workloadSelector === undefined ? {} : { selector: se.spec.workloadSelector }),
      });
    }
    se.spec.endpoints.forEach((e, i) => {
      // gRPC's EDS takes IP literals only; DNS names would NACK the whole assignment.
      if (!isIpLiteral(e.address)) return;
      instances.push(instanceOf(`ServiceEntry/${ns}/${se.metadata.name}/${i}`, ns, e, se.spec.hosts));
    });
  }
  for (const we of config.list("WorkloadEntry")) {
    const ns = we.metadata.namespace;
    if (!isIpLiteral(we.spec.address)) continue;
    const app = we.spec.labels.app;
    instances.push(
      instanceOf(
        `WorkloadEntry/${ns}/${we.metadata.name}`,
        ns,
        we.spec,
        app === undefined ? [] : [serviceHost(app, ns, domain)],
      ),
    );
  }
  return { definitions, instances };
}

/** Keeps the registry's config source in step with the store. */
export function syncConfigEndpoints(
  store: ConfigStore,
  registry: ServiceRegistry,
  domain?: string,
): () => void {
  const apply = (snapshot: ConfigSnapshot) => {
    const { definitions, instances } = configEndpoints(snapshot, domain);
    registry.replaceSource(CONFIG_SOURCE, definitions, instances);
  };
  apply(store.snapshot());
  return store.subscribe((change, snapshot) => {
    if (change.changes.some((c) => KINDS.has(c.kind))) apply(snapshot);
  });
}
