// Outbound clusters `outbound|<port>|<subset>|<host>`: EDS over ADS (the assignment carries the
// cluster's name), with the DestinationRule's policy for that port and subset.
import { create } from "@bufbuild/protobuf";
import { type Cluster, Cluster_DiscoveryType, ClusterSchema } from "../envoy/gen.js";
import { ADS_SOURCE } from "../envoy/pack.js";
import type { MeshView } from "./mesh-view.js";
import { clusterName, parseClusterName } from "./names.js";
import {
  circuitBreakers,
  connectTimeout,
  loadBalancing,
  outlierDetection,
  upstreamTls,
} from "./traffic-policy.js";

export function cluster(view: MeshView, name: string): Cluster | undefined {
  const c = parseClusterName(name);
  if (c === undefined) return undefined;
  const svc = view.service(c.host);
  if (svc === undefined || !svc.ports.some((p) => p.port === c.port)) return undefined;
  if (c.subset !== "" && !view.subsets(c.host, c.port).has(c.subset)) return undefined;
  const policy = view.trafficPolicy(c.host, c.port, c.subset);
  const accounts = new Set<string>();
  for (const e of view.registry.endpoints(c.host, c.port)) {
    if (e.instance.serviceAccount !== undefined)
      accounts.add(
        `spiffe://${view.options.trustDomain}/ns/${e.instance.namespace}/sa/${e.instance.serviceAccount}`,
      );
  }
  return create(ClusterSchema, {
    name,
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: { edsConfig: ADS_SOURCE, serviceName: name },
    ...connectTimeout(policy),
    ...loadBalancing(policy),
    ...circuitBreakers(policy),
    ...outlierDetection(policy),
    ...upstreamTls(policy, `outbound_.${c.port}_.${c.subset}_.${c.host}`, [...accounts].sort()),
  });
}

/** Every cluster of the mesh (for wildcard CDS): each service port, plain and per subset. */
export function allClusterNames(view: MeshView): string[] {
  const out: string[] = [];
  for (const svc of view.registry.services.values()) {
    for (const p of svc.ports) {
      out.push(clusterName(p.port, "", svc.host));
      for (const s of view.subsets(svc.host, p.port).keys()) out.push(clusterName(p.port, s, svc.host));
    }
  }
  return out;
}
