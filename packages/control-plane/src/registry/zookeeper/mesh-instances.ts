// What ZooKeeper says, as the registry's services and workload instances (a pure function of the
// watched tree, so the sync can recompute everything and let `replaceSource` find the difference).
import type { DubboUrl, MetadataInfo, ServiceInstance } from "@dubbo-mesh/registry-zookeeper";
import { isIpLiteral } from "../../config/kinds/service-entry.js";
import type { PortSpec, ServiceDefinition, WorkloadInstance } from "../workload-instance.js";
import { applicationHost, interfaceHost, portName, portProtocol, type ServicePorts } from "./mesh-names.js";

export const ZOOKEEPER_SOURCE = "zookeeper";

/** Dubbo's default provider weight (`weight` URL parameter). */
const DUBBO_DEFAULT_WEIGHT = 100;

export interface ZookeeperTree {
  /** Interface-level provider URLs, by interface node. */
  readonly providers: ReadonlyMap<string, readonly DubboUrl[]>;
  /** Application-level instances, by application. */
  readonly instances: ReadonlyMap<string, readonly ServiceInstance[]>;
  /** MetadataInfo of application-level instances by `<app>/<revision>` (remote storage only). */
  readonly metadata: ReadonlyMap<string, MetadataInfo>;
}

export interface MeshNaming {
  readonly namespace: string;
  readonly domain?: string;
  readonly servicePorts: ServicePorts;
}

export interface MeshServices {
  readonly definitions: ServiceDefinition[];
  readonly instances: WorkloadInstance[];
}

export function meshServices(tree: ZookeeperTree, naming: MeshNaming): MeshServices {
  const instances: WorkloadInstance[] = [];
  for (const urls of tree.providers.values())
    for (const url of urls) {
      const inst = providerInstance(url, naming);
      if (inst !== undefined) instances.push(inst);
    }
  for (const [app, list] of tree.instances)
    for (const si of list) {
      const inst = applicationInstance(app, si, tree.metadata, naming);
      if (inst !== undefined) instances.push(inst);
    }
  // Several URLs may describe one endpoint (e.g. re-registration under a new timestamp): first wins.
  const unique = new Map<string, WorkloadInstance>();
  for (const i of instances) if (!unique.has(i.id)) unique.set(i.id, i);
  return { definitions: definitionsFor([...unique.values()], naming), instances: [...unique.values()] };
}

/** One service per host, with a port for each protocol its providers speak. */
function definitionsFor(instances: readonly WorkloadInstance[], naming: MeshNaming): ServiceDefinition[] {
  const byHost = new Map<string, Set<keyof ServicePorts>>();
  for (const inst of instances)
    for (const host of inst.services) {
      const names = byHost.get(host) ?? new Set();
      for (const p of inst.ports) names.add(p.name as keyof ServicePorts);
      byHost.set(host, names);
    }
  return [...byHost]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([host, names]) => ({
      host,
      namespace: naming.namespace,
      source: ZOOKEEPER_SOURCE,
      ports: [...names].sort().map((name) => ({
        name,
        port: naming.servicePorts[name],
        protocol: portProtocol(name),
      })),
    }));
}

function providerInstance(url: DubboUrl, naming: MeshNaming): WorkloadInstance | undefined {
  const name = portName(url.protocol);
  // gRPC's EDS takes IP literals only: a host name would make the client NACK the whole assignment.
  if (name === undefined || url.port <= 0 || !isIpLiteral(url.host)) return undefined;
  const p = url.params;
  if (p["category"] !== undefined && p["category"] !== "providers") return undefined;
  const iface = p["interface"] || url.path;
  const group = p["group"] ?? "";
  const version = p["version"] ?? "";
  const weight = parseWeight(p["weight"]);
  const labels = compact({
    app: p["application"],
    version,
    group,
    "dubbo.tag": p["dubbo.tag"],
  });
  const port: PortSpec = { name, port: url.port, protocol: portProtocol(name) };
  return {
    id: `${url.protocol}://${url.host}:${url.port}/${iface}?group=${group}&version=${version}`,
    source: ZOOKEEPER_SOURCE,
    address: url.host,
    namespace: naming.namespace,
    labels,
    ports: [port],
    services: [interfaceHost(iface)],
    // Dubbo's weight 0 means "send nothing"; EDS weights start at 1, so such a provider is unhealthy.
    weight: Math.max(1, weight),
    healthy: weight > 0 && p["enabled"] !== "false" && p["disabled"] !== "true",
    dubboServices: [iface],
  };
}

function applicationInstance(
  app: string,
  si: ServiceInstance,
  metadata: ReadonlyMap<string, MetadataInfo>,
  naming: MeshNaming,
): WorkloadInstance | undefined {
  if (!isIpLiteral(si.address)) return undefined;
  const ports: PortSpec[] = [];
  for (const e of endpointsOf(si)) {
    const name = portName(e.protocol);
    if (name !== undefined && !ports.some((p) => p.name === name))
      ports.push({ name, port: e.port, protocol: portProtocol(name) });
  }
  if (ports.length === 0) return undefined;
  const info = metadata.get(`${app}/${si.metadata["dubbo.metadata.revision"] ?? ""}`);
  const services = info === undefined ? [] : Object.values(info.services);
  // An instance carries one version/group label only when all its services agree on it.
  const single = (values: string[]) => (new Set(values).size === 1 ? values[0] : undefined);
  const labels = compact({
    app,
    version: single(services.map((s) => s.version ?? "")),
    group: single(services.map((s) => s.group ?? "")),
    "dubbo.tag": si.metadata["dubbo.tag"],
  });
  return {
    id: `app://${app}/${si.address}:${si.port}`,
    source: ZOOKEEPER_SOURCE,
    address: si.address,
    namespace: naming.namespace,
    labels,
    ports,
    services: [applicationHost(app, naming.namespace, naming.domain)],
    weight: DUBBO_DEFAULT_WEIGHT,
    healthy: true,
    dubboServices: [...new Set(services.map((s) => s.name))].sort(),
  };
}

/** `dubbo.endpoints` (`[{"port":50051,"protocol":"tri"}]`), else the instance's own port as Triple. */
function endpointsOf(si: ServiceInstance): { port: number; protocol: string }[] {
  const raw = si.metadata["dubbo.endpoints"];
  if (raw !== undefined) {
    try {
      const list = JSON.parse(raw) as unknown;
      if (Array.isArray(list)) {
        const out: { port: number; protocol: string }[] = [];
        for (const e of list as { port?: unknown; protocol?: unknown }[])
          if (typeof e?.port === "number" && typeof e.protocol === "string")
            out.push({ port: e.port, protocol: e.protocol });
        if (out.length > 0) return out;
      }
    } catch {
      // Malformed metadata: fall back to the instance port below.
    }
  }
  return si.port > 0 ? [{ port: si.port, protocol: "tri" }] : [];
}

function parseWeight(text: string | undefined): number {
  const n = text === undefined ? Number.NaN : Number.parseInt(text, 10);
  return Number.isFinite(n) && n >= 0 ? n : DUBBO_DEFAULT_WEIGHT;
}

function compact(labels: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}
