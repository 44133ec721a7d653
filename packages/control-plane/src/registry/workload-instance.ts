// What the registry knows: services (host names with ports) and workload instances (addresses with
// labels and ports) from several sources -- ADS auto-registration, config (ServiceEntry/WorkloadEntry),
// and later ZooKeeper sync. Sources only ever add, replace or remove their own items.

export interface PortSpec {
  readonly name: string;
  readonly port: number;
  readonly protocol?: string;
}

export interface ServicePortSpec extends PortSpec {
  /** Where instances listen when they do not name the port themselves (ServiceEntry targetPort). */
  readonly targetPort?: number;
}

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface WorkloadInstance {
  /** Unique within its source (node id, WorkloadEntry key, ZooKeeper URL...). */
  readonly id: string;
  readonly source: string;
  readonly address: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Ports the workload listens on, by name; an empty list takes the service's ports as they are. */
  readonly ports: readonly PortSpec[];
  /** Hosts this instance is an endpoint of, as its source decided (e.g. `<app>.<ns>.svc.cluster.local`). */
  readonly services: readonly string[];
  readonly locality?: Locality;
  /** Load-balancing weight (EDS `load_balancing_weight`), >= 1. */
  readonly weight: number;
  readonly healthy: boolean;
  readonly serviceAccount?: string;
  /** Dubbo interfaces served (for Dubbo rules keyed by interface). */
  readonly dubboServices: readonly string[];
}

export interface ServiceDefinition {
  readonly host: string;
  readonly namespace: string;
  readonly ports: readonly ServicePortSpec[];
  readonly source: string;
  /** ServiceEntry workloadSelector: instances of the namespace carrying these labels are members. */
  readonly selector?: Readonly<Record<string, string>>;
}

export function parseLocality(s: string | undefined): Locality | undefined {
  if (s === undefined || s === "") return undefined;
  const [region = "", zone = "", subZone = ""] = s.split("/");
  return { region, zone, subZone };
}
