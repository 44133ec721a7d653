import type { Discovery, Endpoint, ServiceQuery, ServiceRegistration, WatchUpdate } from "@dubbo-mesh/dubbo";

export interface RegistryEvent {
  kind: "register" | "unregister";
  service: string;
  address: string;
  at: number;
}

type Listener = (endpoints: readonly Endpoint[], update?: WatchUpdate) => void;

/**
 * Test double: a registry in memory, shared by provider and consumer apps of a test. It records every
 * register/unregister with a timestamp and pushes the new lists to watchers at once (confirmed, like
 * a registry that answered).
 */
export class InMemoryRegistry implements Discovery {
  readonly name = "in-memory-registry";
  readonly events: RegistryEvent[] = [];
  private readonly regs = new Map<string, ServiceRegistration[]>();
  private readonly watchers = new Map<string, Set<{ query: ServiceQuery; listener: Listener }>>();

  watch(query: ServiceQuery, listener: Listener): () => void {
    let set = this.watchers.get(query.interface);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(query.interface, set);
    }
    const entry = { query, listener };
    set.add(entry);
    queueMicrotask(() => set.has(entry) && listener(this.endpoints(query), { confirmed: true }));
    return () => set.delete(entry);
  }

  async register(r: ServiceRegistration): Promise<void> {
    this.events.push({
      kind: "register",
      service: r.interface,
      address: `${r.host}:${r.port}`,
      at: Date.now(),
    });
    const list = this.regs.get(r.interface) ?? [];
    list.push(r);
    this.regs.set(r.interface, list);
    this.notify(r.interface);
  }

  async unregister(r: ServiceRegistration): Promise<void> {
    this.events.push({
      kind: "unregister",
      service: r.interface,
      address: `${r.host}:${r.port}`,
      at: Date.now(),
    });
    const list = (this.regs.get(r.interface) ?? []).filter((x) => !(x.host === r.host && x.port === r.port));
    this.regs.set(r.interface, list);
    this.notify(r.interface);
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private endpoints(q: ServiceQuery): Endpoint[] {
    return (this.regs.get(q.interface) ?? [])
      .filter((r) => (r.group ?? "") === (q.group ?? "") && (r.version ?? "") === (q.version ?? ""))
      .map((r) => ({
        host: r.host,
        port: r.port,
        protocol: r.protocol,
        weight: r.weight ?? 100,
        metadata: { ...r.params, interface: r.interface, methods: r.methods.join(",") },
      }));
  }

  private notify(service: string): void {
    for (const { query, listener } of this.watchers.get(service) ?? []) {
      listener(this.endpoints(query), { confirmed: true });
    }
  }
}
