// Workload auto-registration, as Istio does it for WorkloadGroups: a workload that holds an ADS stream
// and says who it is (app, namespace, labels, ports; or AUTO_REGISTER_GROUP naming a WorkloadGroup)
// becomes an endpoint of `<app>.<namespace>.svc.<domain>`. When its last stream ends it stays for a
// grace period (a restart or a reconnect after a control-plane hiccup must not empty a service), then
// it is removed.
import type { ConfigSnapshot } from "../config/config-store.js";
import { serviceHost } from "./host-names.js";
import type { ClientIdentity } from "./node-metadata.js";
import type { ServiceRegistry } from "./service-registry.js";
import type { PortSpec, WorkloadInstance } from "./workload-instance.js";

export const AUTO_REGISTRATION_SOURCE = "ads";

export interface AutoRegistrationOptions {
  /** How long a disconnected workload stays registered (default 10 s). */
  graceMs?: number;
  domain?: string;
}

export interface Registration {
  readonly instance: WorkloadInstance;
  /** The stream ended: starts the grace period (if no other stream of the workload is open). */
  close(): void;
}

export class AutoRegistration {
  private readonly active = new Map<string, { count: number; timer?: NodeJS.Timeout }>();
  readonly graceMs: number;

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly config: () => ConfigSnapshot,
    private readonly options: AutoRegistrationOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 10_000;
  }

  /** Registers the workload behind a new ADS stream; undefined when it does not serve anything. */
  connect(identity: ClientIdentity): Registration | undefined {
    const instance = this.instanceFor(identity);
    if (instance === undefined) return undefined;
    const state = this.active.get(instance.id) ?? { count: 0 };
    clearTimeout(state.timer);
    state.timer = undefined;
    state.count++;
    this.active.set(instance.id, state);
    this.registry.upsertInstance(instance);
    let closed = false;
    return {
      instance,
      close: () => {
        if (closed) return;
        closed = true;
        state.count--;
        if (state.count > 0) return;
        const remove = () => {
          if (this.active.get(instance.id) !== state || state.count > 0) return;
          this.active.delete(instance.id);
          this.registry.removeInstance(AUTO_REGISTRATION_SOURCE, instance.id);
        };
        if (this.graceMs <= 0) remove();
        else {
          state.timer = setTimeout(remove, this.graceMs);
          state.timer.unref();
        }
      },
    };
  }

  close(): void {
    for (const s of this.active.values()) clearTimeout(s.timer);
    this.active.clear();
  }

  private instanceFor(identity: ClientIdentity): WorkloadInstance | undefined {
    const address = identity.ips[0];
    if (address === undefined) return undefined;
    let labels: Record<string, string> = { ...identity.labels };
    let ports: readonly PortSpec[] = identity.ports;
    let serviceAccount = identity.serviceAccount;
    let weight = identity.weight;
    let app = identity.app;
    if (identity.workloadGroup !== undefined) {
      // Istio refuses to auto-register against a WorkloadGroup that does not exist.
      const group = this.config().get("WorkloadGroup", identity.namespace, identity.workloadGroup);
      if (group === undefined) return undefined;
      const t = group.spec.template;
      labels = { ...group.spec.labels, ...t.labels, ...labels };
      if (ports.length === 0) ports = Object.entries(t.ports).map(([name, port]) => ({ name, port }));
      serviceAccount ??= t.serviceAccount;
      weight ??= t.weight;
      app ??= labels.app ?? identity.workloadGroup;
    }
    if (app === undefined || ports.length === 0) return undefined; // a pure consumer: nothing to register
    const id = `${identity.id}|${address}|${ports.map((p) => p.port).join(",")}`;
    return {
      id,
      source: AUTO_REGISTRATION_SOURCE,
      address,
      namespace: identity.namespace,
      labels,
      ports,
      services: [serviceHost(app, identity.namespace, this.options.domain)],
      ...(identity.locality === undefined ? {} : { locality: identity.locality }),
      weight: weight ?? 1,
      healthy: true,
      ...(serviceAccount === undefined ? {} : { serviceAccount }),
      dubboServices: identity.dubboServices,
    };
  }
}
