// One push's view of the mesh: the config and registry snapshots plus the lookups every resource
// needs (which VirtualService and DestinationRule govern a host, its subsets, the merged traffic
// policy of a cluster), computed lazily and kept for the life of the view. A view never changes, so
// everything derived from it can be cached by the ADS server until the next push.
import type { ConfigSnapshot } from "../config/config-store.js";
import type { LoadBalancerSettings, Subset, TrafficPolicy } from "../config/kinds/destination-rule.js";
import type { ConfigResource } from "../config/resource.js";
import { candidateHosts, hostMatches } from "../registry/host-names.js";
import type { Endpoint, RegistrySnapshot, Service } from "../registry/registry-snapshot.js";
import { adjustProviders, buildDubboPlan, type DubboPlan } from "./dubbo/dubbo-plan.js";
import { DEFAULT_TRANSLATE_OPTIONS, type TranslateOptions } from "./translate-options.js";

/** A named group of a service's endpoints (DestinationRule subset, or one made up for a Dubbo rule). */
export interface SubsetDef {
  readonly name: string;
  select(endpoint: Endpoint): boolean;
  readonly trafficPolicy?: TrafficPolicy;
}

function labelsMatch(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

function visibleTo(exportTo: readonly string[], resourceNamespace: string, clientNamespace: string): boolean {
  if (exportTo.length === 0) return true;
  return exportTo.some(
    (e) => e === "*" || e === clientNamespace || (e === "." && resourceNamespace === clientNamespace),
  );
}

export class MeshView {
  readonly options: TranslateOptions;
  private drIndex: Map<string, ConfigResource<"DestinationRule"> | null> | undefined;
  private readonly subsetCache = new Map<string, ReadonlyMap<string, SubsetDef>>();
  private readonly dubboPlans = new Map<string, DubboPlan>();

  constructor(
    readonly config: ConfigSnapshot,
    readonly registry: RegistrySnapshot,
    options: Partial<TranslateOptions> = {},
  ) {
    this.options = { ...DEFAULT_TRANSLATE_OPTIONS, ...options };
  }

  /** The FQDN `name` means in `namespace`: the candidate the registry knows, else the first. */
  resolveHost(name: string, namespace: string): string {
    const candidates = candidateHosts(name, namespace, this.options.domain);
    return candidates.find((h) => this.registry.service(h) !== undefined) ?? candidates[0];
  }

  service(host: string): Service | undefined {
    return this.registry.service(host);
  }

  /** The VirtualService routing `host` for a client in `clientNamespace` (first by namespace/name, as istiod's oldest-wins). */
  virtualServiceFor(host: string, clientNamespace: string): ConfigResource<"VirtualService"> | undefined {
    for (const vs of this.config.list("VirtualService")) {
      const s = vs.spec;
      if (s.gateways.length > 0 && !s.gateways.includes("mesh")) continue;
      if (!visibleTo(s.exportTo, vs.metadata.namespace, clientNamespace)) continue;
      for (const h of s.hosts) {
        if (
          h.includes("*")
            ? hostMatches(h, host)
            : candidateHosts(h, vs.metadata.namespace, this.options.domain).includes(host)
        )
          return vs;
      }
    }
    return undefined;
  }

  /**
   * The DestinationRule for `host`: an exact host beats a wildcard; among equals, one in the service's
   * namespace, then the root namespace, then any (istiod also looks at the client's namespace; we keep
   * clusters client-independent so they can be shared by every connection).
   */
  destinationRuleFor(host: string): ConfigResource<"DestinationRule"> | undefined {
    if (this.drIndex === undefined) this.drIndex = new Map();
    const cached = this.drIndex.get(host);
    if (cached !== undefined) return cached ?? undefined;
    const svcNs = this.registry.service(host)?.namespace;
    let best: { dr: ConfigResource<"DestinationRule">; score: number } | undefined;
    for (const dr of this.config.list("DestinationRule")) {
      const pattern = dr.spec.host;
      const exact =
        !pattern.includes("*") &&
        candidateHosts(pattern, dr.metadata.namespace, this.options.domain).includes(host);
      if (!exact && !(pattern.includes("*") && hostMatches(pattern, host))) continue;
      const ns = dr.metadata.namespace;
      const score = (exact ? 10 : 0) + (ns === svcNs ? 2 : ns === this.options.rootNamespace ? 1 : 0);
      if (best === undefined || score > best.score) best = { dr, score };
    }
    this.drIndex.set(host, best?.dr ?? null);
    return best?.dr;
  }

  /** The Dubbo rules governing `host:port` (generated subsets, conditions, tags, dynamic config). */
  dubboPlan(host: string, port: number): DubboPlan {
    const key = `${host}|${port}`;
    let plan = this.dubboPlans.get(key);
    if (plan === undefined) {
      plan = buildDubboPlan(this.config, this.registry, host, port);
      this.dubboPlans.set(key, plan);
    }
    return plan;
  }

  /** DestinationRule subsets, plus the subsets Dubbo rules need on `port` (all ports when omitted). */
  subsets(host: string, port?: number): ReadonlyMap<string, SubsetDef> {
    const key = `${host}|${port ?? "*"}`;
    const cached = this.subsetCache.get(key);
    if (cached !== undefined) return cached;
    const out = new Map<string, SubsetDef>();
    const dr = this.destinationRuleFor(host);
    for (const s of dr?.spec.subsets ?? []) out.set(s.name, drSubset(s));
    const ports = port !== undefined ? [port] : (this.service(host)?.ports.map((p) => p.port) ?? []);
    for (const p of ports)
      for (const [name, s] of this.dubboPlan(host, p).subsets) if (!out.has(name)) out.set(name, s);
    this.subsetCache.set(key, out);
    return out;
  }

  /** Endpoint-level adjustments from Dubbo dynamic config (provider weights, disabled providers). */
  adjustEndpoints(host: string, port: number, endpoints: readonly Endpoint[]): readonly Endpoint[] {
    return adjustProviders(this.dubboPlan(host, port), endpoints);
  }

  /**
   * Traffic policy of cluster (host, port, subset), merged as Istio does: the rule's policy, its
   * port-level settings for the port, then the subset's policy (and its port level), each top-level
   * field replacing the one before.
   */
  trafficPolicy(host: string, port: number, subset: string): TrafficPolicy {
    const dr = this.destinationRuleFor(host);
    let merged: TrafficPolicy = {};
    const apply = (p: TrafficPolicy | undefined) => {
      if (p === undefined) return;
      const { portLevelSettings, ...rest } = p;
      merged = { ...merged, ...rest };
      const pl = portLevelSettings?.find((s) => s.port === port);
      if (pl !== undefined) {
        const { port: _p, ...plRest } = pl;
        merged = { ...merged, ...plRest };
      }
    };
    // Dubbo's consumer `loadbalance` stands in when no DestinationRule picks a load balancer.
    const lb = dubboLoadBalancer(this.dubboPlan(host, port).loadbalance);
    if (lb !== undefined) merged = { loadBalancer: lb };
    apply(dr?.spec.trafficPolicy);
    if (subset !== "") apply(this.subsets(host, port).get(subset)?.trafficPolicy);
    return merged;
  }
}

function dubboLoadBalancer(name: string | undefined): LoadBalancerSettings | undefined {
  switch (name) {
    case "random":
    case "roundrobin":
      return { simple: "ROUND_ROBIN" };
    case "leastactive":
    case "shortestresponse":
      return { simple: "LEAST_REQUEST" };
    case "consistenthash":
      // Dubbo hashes the first argument, which xDS cannot see; the closest is per-client affinity.
      return { consistentHash: { useSourceIp: true } };
    default:
      return undefined;
  }
}

function drSubset(s: Subset): SubsetDef {
  return {
    name: s.name,
    select: (e) => labelsMatch(s.labels, e.labels),
    ...(s.trafficPolicy === undefined ? {} : { trafficPolicy: s.trafficPolicy }),
  };
}
