// The ServiceRegistry: services and workload instances from any number of sources (ADS
// auto-registration, config, ZooKeeper sync later), merged into snapshots. Every mutation tells
// subscribers which hosts changed and whether the change is endpoints-only (an EDS push) or changes
// a service's shape (a host appears or vanishes, or its ports change: a full push).
import { RegistrySnapshot, type Service } from "./registry-snapshot.js";
import type { ServiceDefinition, ServicePortSpec, WorkloadInstance } from "./workload-instance.js";

export interface RegistryEvent {
  /** Services appeared, vanished or changed ports: listeners, routes and clusters change too. */
  readonly full: boolean;
  readonly hosts: ReadonlySet<string>;
  readonly reason: string;
}

export type RegistryListener = (event: RegistryEvent) => void;

function labelsMatch(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

function portsSignature(ports: readonly ServicePortSpec[]): string {
  return ports
    .map((p) => `${p.port}/${p.name}/${p.targetPort ?? ""}`)
    .sort()
    .join(",");
}

export class ServiceRegistry {
  /** source -> id -> instance */
  private readonly instances = new Map<string, Map<string, WorkloadInstance>>();
  /** source -> host -> definition */
  private readonly definitions = new Map<string, Map<string, ServiceDefinition>>();
  private readonly listeners = new Set<RegistryListener>();
  private version = 0;
  private cached: RegistrySnapshot | undefined;

  subscribe(listener: RegistryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): RegistrySnapshot {
    if (this.cached === undefined) this.cached = this.build();
    return this.cached;
  }

  /** Adds or replaces one instance of `instance.source`. */
  upsertInstance(instance: WorkloadInstance): void {
    let bySource = this.instances.get(instance.source);
    if (bySource === undefined) {
      bySource = new Map();
      this.instances.set(instance.source, bySource);
    }
    const old = bySource.get(instance.id);
    const before = this.shapes(this.affectedHosts([old, instance]));
    bySource.set(instance.id, instance);
    this.changed(
      before,
      `instance ${instance.source}/${instance.id} ${old === undefined ? "added" : "updated"}`,
    );
  }

  removeInstance(source: string, id: string): void {
    const bySource = this.instances.get(source);
    const old = bySource?.get(id);
    if (bySource === undefined || old === undefined) return;
    const before = this.shapes(this.affectedHosts([old]));
    bySource.delete(id);
    this.changed(before, `instance ${source}/${id} removed`);
  }

  /** Replaces everything a source knows (the config source recomputes from ServiceEntries this way). */
  replaceSource(
    source: string,
    definitions: readonly ServiceDefinition[],
    instances: readonly WorkloadInstance[],
  ): void {
    const oldDefs = this.definitions.get(source) ?? new Map<string, ServiceDefinition>();
    const oldInst = this.instances.get(source) ?? new Map<string, WorkloadInstance>();
    const newDefs = new Map(definitions.map((d) => [d.host, d]));
    const newInst = new Map(instances.map((i) => [i.id, i]));
    const touched: (WorkloadInstance | undefined)[] = [];
    for (const [id, i] of oldInst)
      if (newInst.get(id) !== i && !sameInstance(newInst.get(id), i)) touched.push(i, newInst.get(id));
    for (const [id, i] of newInst) if (!oldInst.has(id)) touched.push(i);
    const hosts = this.affectedHosts(touched);
    for (const [host, d] of oldDefs) if (!sameDefinition(newDefs.get(host), d)) hosts.add(host);
    for (const host of newDefs.keys()) if (!oldDefs.has(host)) hosts.add(host);
    if (hosts.size === 0) return;
    const before = this.shapes(hosts);
    this.definitions.set(source, newDefs);
    this.instances.set(source, newInst);
    this.changed(before, `source ${source} replaced`);
  }

  listInstances(source?: string): WorkloadInstance[] {
    const out: WorkloadInstance[] = [];
    for (const [s, m] of this.instances) if (source === undefined || s === source) out.push(...m.values());
    return out;
  }

  /** Hosts an instance belongs to: its own list plus ServiceEntries whose selector picks it. */
  private affectedHosts(instances: readonly (WorkloadInstance | undefined)[]): Set<string> {
    const hosts = new Set<string>();
    for (const inst of instances) {
      if (inst === undefined) continue;
      for (const h of inst.services) hosts.add(h);
      for (const defs of this.definitions.values()) {
        for (const d of defs.values()) {
          if (
            d.selector !== undefined &&
            d.namespace === inst.namespace &&
            labelsMatch(d.selector, inst.labels)
          )
            hosts.add(d.host);
        }
      }
    }
    return hosts;
  }

  /** host -> ports signature ("" when the host does not exist), to tell EDS-only changes from full ones. */
  private shapes(hosts: Set<string>): Map<string, string> {
    const snap = this.snapshot();
    const out = new Map<string, string>();
    for (const h of hosts) {
      const s = snap.service(h);
      out.set(h, s === undefined ? "" : portsSignature(s.ports));
    }
    return out;
  }

  private changed(before: Map<string, string>, reason: string): void {
    this.cached = undefined;
    this.version++;
    const after = this.shapes(new Set(before.keys()));
    let full = false;
    for (const [h, sig] of before) if (after.get(h) !== sig) full = true;
    const event: RegistryEvent = { full, hosts: new Set(before.keys()), reason };
    for (const l of this.listeners) l(event);
  }

  private build(): RegistrySnapshot {
    const defs = new Map<string, ServiceDefinition>();
    for (const source of [...this.definitions.keys()].sort()) {
      for (const d of this.definitions.get(source)?.values() ?? [])
        if (!defs.has(d.host)) defs.set(d.host, d);
    }
    const all: WorkloadInstance[] = [];
    for (const source of [...this.instances.keys()].sort())
      all.push(...(this.instances.get(source)?.values() ?? []));
    const members = new Map<string, WorkloadInstance[]>();
    const add = (host: string, inst: WorkloadInstance) => {
      let l = members.get(host);
      if (l === undefined) {
        l = [];
        members.set(host, l);
      }
      if (!l.includes(inst)) l.push(inst);
    };
    for (const inst of all) for (const h of inst.services) add(h, inst);
    const selecting = [...defs.values()].filter((d) => d.selector !== undefined);
    if (selecting.length > 0) {
      for (const inst of all) {
        for (const d of selecting)
          if (d.namespace === inst.namespace && labelsMatch(d.selector!, inst.labels)) add(d.host, inst);
      }
    }
    const services = new Map<string, Service>();
    for (const d of defs.values())
      services.set(d.host, { host: d.host, namespace: d.namespace, ports: d.ports, origin: "defined" });
    for (const [host, list] of members) {
      if (services.has(host)) continue;
      // No definition: the service is what its instances listen on (first name wins for a number).
      const ports = new Map<number, ServicePortSpec>();
      for (const inst of list)
        for (const p of inst.ports)
          if (!ports.has(p.port))
            ports.set(p.port, {
              name: p.name,
              port: p.port,
              ...(p.protocol === undefined ? {} : { protocol: p.protocol }),
            });
      if (ports.size === 0) continue;
      services.set(host, {
        host,
        namespace: list[0].namespace,
        ports: [...ports.values()].sort((a, b) => a.port - b.port),
        origin: "implicit",
      });
    }
    return new RegistrySnapshot(this.version, services, members, all, defs);
  }
}

function sameInstance(a: WorkloadInstance | undefined, b: WorkloadInstance | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function sameDefinition(a: ServiceDefinition | undefined, b: ServiceDefinition | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
