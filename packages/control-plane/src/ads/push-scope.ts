// Which hosts a change can affect (istiod's ConfigsUpdated): a push re-translates and re-sends only
// resources of those hosts; everything else is reused from the previous push. "all" when a change
// cannot be pinned to hosts (wildcard hosts, security policy, Dubbo rules, WorkloadGroups).
import type { ConfigChange, ConfigSnapshot } from "../config/config-store.js";
import type { AnyResource } from "../config/resource.js";
import { candidateHosts } from "../registry/host-names.js";

export type PushScope = ReadonlySet<string> | "all";

/** Resource types a change can affect: a VirtualService only routes (RDS); most changes, everything. */
export type TypeScope = ReadonlySet<string> | "all";

const RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
const CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
const EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

export function mergeTypes(a: TypeScope, b: TypeScope): TypeScope {
  if (a === "all" || b === "all") return "all";
  return new Set([...a, ...b]);
}

/** Which types a config change can touch: VirtualService -> RDS; DestinationRule -> RDS (hash policy), CDS, EDS (subsets). */
export function configTypes(change: ConfigChange): TypeScope {
  const out = new Set<string>();
  for (const c of change.changes) {
    if (c.kind === "VirtualService") out.add(RDS);
    else if (c.kind === "DestinationRule") {
      out.add(RDS);
      out.add(CDS);
      out.add(EDS);
    } else if (c.kind !== "WorkloadEntry") return "all";
  }
  return out;
}

export function mergeScope(a: PushScope, b: PushScope): PushScope {
  if (a === "all" || b === "all") return "all";
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  return new Set([...a, ...b]);
}

export function inScope(scope: PushScope, host: string | undefined): boolean {
  return scope === "all" || (host !== undefined && scope.has(host));
}

/** Every FQDN (and as-written name) `name` may stand for in `namespace`; undefined for wildcards. */
function names(name: string, namespace: string, domain: string): string[] | undefined {
  if (name.includes("*")) return undefined;
  return candidateHosts(name, namespace, domain);
}

function vsHosts(r: AnyResource, domain: string): string[] | undefined {
  if (r.kind !== "VirtualService") return [];
  const out: string[] = [];
  for (const h of r.spec.hosts) {
    const n = names(h, r.metadata.namespace, domain);
    if (n === undefined) return undefined;
    out.push(...n);
  }
  return out;
}

function vsDestinations(r: AnyResource, domain: string): string[] {
  if (r.kind !== "VirtualService") return [];
  return r.spec.http.flatMap((h) =>
    h.route.flatMap((d) => candidateHosts(d.destination.host, r.metadata.namespace, domain)),
  );
}

/** The scope of a config change, from the resources before and after it. */
export function configScope(
  change: ConfigChange,
  before: ConfigSnapshot,
  after: ConfigSnapshot,
  domain: string,
): PushScope {
  const hosts = new Set<string>();
  for (const c of change.changes) {
    const versions = [before.resources.get(c.key), after.resources.get(c.key)].filter(
      (r): r is AnyResource => r !== undefined,
    );
    for (const r of versions) {
      if (r.kind === "VirtualService") {
        const h = vsHosts(r, domain);
        if (h === undefined) return "all";
        for (const x of h) hosts.add(x);
      } else if (r.kind === "DestinationRule") {
        const h = names(r.spec.host, r.metadata.namespace, domain);
        if (h === undefined) return "all";
        for (const x of h) hosts.add(x);
        // Routes to this host carry its hash policy: the hosts whose VirtualServices route here change too.
        for (const vs of after.list("VirtualService")) {
          if (vsDestinations(vs, domain).some((d) => h.includes(d))) {
            const vh = vsHosts(vs, domain);
            if (vh === undefined) return "all";
            for (const x of vh) hosts.add(x);
          }
        }
      } else if (r.kind === "WorkloadEntry") {
        // Reaches the registry, which reports the hosts itself.
      } else {
        return "all";
      }
    }
  }
  return hosts;
}
