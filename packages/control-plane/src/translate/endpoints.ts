// ClusterLoadAssignments: a cluster's healthy endpoints (filtered by its subset), grouped by locality.
// Every group carries a locality (grpc-js NACKs a group without one) and a load_balancing_weight
// (without it grpc-js's weighted-target balancer leaves the locality out).
import { create } from "@bufbuild/protobuf";
import { type ClusterLoadAssignment, ClusterLoadAssignmentSchema, HealthStatus } from "../envoy/gen.js";
import type { Endpoint } from "../registry/registry-snapshot.js";
import type { MeshView } from "./mesh-view.js";
import { parseClusterName } from "./names.js";

/** The endpoints behind a cluster name, after subset selection and endpoint adjustments; undefined if no such cluster. */
export function clusterEndpoints(view: MeshView, name: string): readonly Endpoint[] | undefined {
  const c = parseClusterName(name);
  if (c === undefined) return undefined;
  const svc = view.service(c.host);
  if (svc === undefined || !svc.ports.some((p) => p.port === c.port)) return undefined;
  let eps = view.registry.endpoints(c.host, c.port).filter((e) => e.healthy);
  if (c.subset !== "") {
    const subset = view.subsets(c.host, c.port).get(c.subset);
    if (subset === undefined) return undefined;
    eps = eps.filter((e) => subset.select(e));
  }
  return view.adjustEndpoints(c.host, c.port, eps);
}

export function clusterLoadAssignment(view: MeshView, name: string): ClusterLoadAssignment | undefined {
  const eps = clusterEndpoints(view, name);
  if (eps === undefined) return undefined;
  const groups = new Map<string, Endpoint[]>();
  for (const e of eps) {
    const l = e.locality;
    const key = l === undefined ? "" : `${l.region}/${l.zone}/${l.subZone}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = [];
      groups.set(key, g);
    }
    g.push(e);
  }
  return create(ClusterLoadAssignmentSchema, {
    clusterName: name,
    endpoints: [...groups.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, list]) => ({
        locality: {
          region: list[0].locality?.region ?? "",
          zone: list[0].locality?.zone ?? "",
          subZone: list[0].locality?.subZone ?? "",
        },
        loadBalancingWeight: list.reduce((s, e) => s + e.weight, 0),
        priority: 0,
        lbEndpoints: list.map((e) => ({
          hostIdentifier: {
            case: "endpoint" as const,
            value: {
              address: {
                address: {
                  case: "socketAddress" as const,
                  value: { address: e.address, portSpecifier: { case: "portValue" as const, value: e.port } },
                },
              },
            },
          },
          healthStatus: HealthStatus.HEALTHY,
          loadBalancingWeight: e.weight,
        })),
      })),
  });
}
