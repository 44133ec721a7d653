// An immutable view of the registry for one push: services by host, and their endpoints per service
// port (computed on first use, then cached for the life of the snapshot).
import type { Locality, ServiceDefinition, ServicePortSpec, WorkloadInstance } from "./workload-instance.js";

export interface Service {
  readonly host: string;
  readonly namespace: string;
  readonly ports: readonly ServicePortSpec[];
  /** `implicit`: made up from auto-registered instances (the stand-in for a Kubernetes Service). */
  readonly origin: "defined" | "implicit";
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly locality?: Locality;
  readonly weight: number;
  readonly healthy: boolean;
  readonly instance: WorkloadInstance;
}

export class RegistrySnapshot {
  private readonly endpointCache = new Map<string, readonly Endpoint[]>();
  private byInterface: Map<string, string[]> | undefined;

  constructor(
    readonly version: number,
    readonly services: ReadonlyMap<string, Service>,
    /** host -> member instances */
    private readonly members: ReadonlyMap<string, readonly WorkloadInstance[]>,
    readonly instances: readonly WorkloadInstance[],
    private readonly definitions: ReadonlyMap<string, ServiceDefinition>,
  ) {}

  service(host: string): Service | undefined {
    return this.services.get(host);
  }

  /** Endpoints of `host` for service port `port`, in a stable order. */
  endpoints(host: string, port: number): readonly Endpoint[] {
    const key = `${host}|${port}`;
    const cached = this.endpointCache.get(key);
    if (cached !== undefined) return cached;
    const svc = this.services.get(host);
    const sp = svc?.ports.find((p) => p.port === port);
    const out: Endpoint[] = [];
    if (svc !== undefined && sp !== undefined) {
      for (const inst of this.members.get(host) ?? []) {
        const target = targetPort(inst, sp, this.definitions.has(host));
        if (target === undefined) continue;
        out.push({
          address: inst.address,
          port: target,
          labels: inst.labels,
          ...(inst.locality === undefined ? {} : { locality: inst.locality }),
          weight: inst.weight,
          healthy: inst.healthy,
          instance: inst,
        });
      }
      out.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port));
    }
    this.endpointCache.set(key, out);
    return out;
  }

  /** Hosts with an endpoint that serves Dubbo interface `iface`. */
  hostsProviding(iface: string): readonly string[] {
    if (this.byInterface === undefined) {
      const m = new Map<string, Set<string>>();
      for (const [host, list] of this.members) {
        for (const inst of list) {
          for (const s of inst.dubboServices) {
            let set = m.get(s);
            if (set === undefined) {
              set = new Set();
              m.set(s, set);
            }
            set.add(host);
          }
        }
      }
      this.byInterface = new Map([...m].map(([k, v]) => [k, [...v].sort()]));
    }
    return this.byInterface.get(iface) ?? [];
  }

  /** Instances at `address` (an xDS-enabled server finds itself this way). */
  instancesAt(address: string): WorkloadInstance[] {
    return this.instances.filter((i) => i.address === address);
  }
}

/**
 * The port an instance serves service port `sp` on: its own port of the same name (WorkloadEntry
 * `ports`), else the service's targetPort, else -- for services made up from the instances
 * themselves -- the same number if the instance listens on it.
 */
function targetPort(inst: WorkloadInstance, sp: ServicePortSpec, defined: boolean): number | undefined {
  const byName = inst.ports.find((p) => p.name === sp.name);
  if (byName !== undefined) return byName.port;
  if (inst.ports.length === 0 || defined) return sp.targetPort ?? sp.port;
  return inst.ports.some((p) => p.port === sp.port) ? sp.port : undefined;
}
