// EDS: envoy.config.endpoint.v3.ClusterLoadAssignment -> ValidatedClusterLoadAssignment.
import { HealthStatus } from "../../gen/envoy/config/core/v3/health_check_pb.js";
import type { LbEndpoint } from "../../gen/envoy/config/endpoint/v3/endpoint_components_pb.js";
import {
  type ClusterLoadAssignment,
  ClusterLoadAssignmentSchema,
} from "../../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { fractionFrom } from "../common/fraction.js";
import { type HostPort, hostPortFrom } from "../common/socket-address.js";
import { defineResourceType } from "../resource-type.js";
import { DubboTypeUrl, TypeName } from "../type-urls.js";
import type { FieldErrors } from "../validation.js";
import type {
  DropOverloadConfig,
  EndpointConfig,
  EndpointHealth,
  LocalityEndpointsConfig,
  ValidatedClusterLoadAssignment,
} from "./types.js";

const UINT32_MAX = 0xffff_ffff;

const healthNames: Readonly<Record<number, EndpointHealth>> = {
  [HealthStatus.UNKNOWN]: "UNKNOWN",
  [HealthStatus.HEALTHY]: "HEALTHY",
  [HealthStatus.UNHEALTHY]: "UNHEALTHY",
  [HealthStatus.DRAINING]: "DRAINING",
  [HealthStatus.TIMEOUT]: "TIMEOUT",
  [HealthStatus.DEGRADED]: "DEGRADED",
};

function endpointFrom(lb: LbEndpoint, seen: Set<string>, errors: FieldErrors): EndpointConfig | undefined {
  if (lb.hostIdentifier.case !== "endpoint") {
    errors.at("endpoint").add("is not set (endpoint_name is not supported)");
    return undefined;
  }
  const ep = lb.hostIdentifier.value;
  const at = errors.at("endpoint");
  const address = hostPortFrom(ep.address, at.at("address"));
  const additionalAddresses: HostPort[] = [];
  ep.additionalAddresses.forEach((a, i) => {
    const hp = hostPortFrom(a.address, at.at("additional_addresses").at(i).at("address"));
    if (hp !== undefined) additionalAddresses.push(hp);
  });
  if (lb.loadBalancingWeight === 0) errors.at("load_balancing_weight").add("must be at least 1");
  if (address === undefined) return undefined;
  // The same address twice would get double the traffic under another name; grpc-go NACKs it too.
  for (const hp of [address, ...additionalAddresses]) {
    const key = `${hp.host}:${hp.port}`;
    if (seen.has(key)) at.add(`duplicate address ${key}`);
    seen.add(key);
  }
  const health = healthNames[lb.healthStatus] ?? "UNKNOWN";
  return {
    address,
    additionalAddresses,
    health,
    usable: health === "UNKNOWN" || health === "HEALTHY",
    weight: lb.loadBalancingWeight ?? 1,
    hostname: ep.hostname,
  };
}

function check(cla: ClusterLoadAssignment, errors: FieldErrors): ValidatedClusterLoadAssignment {
  const localities: LocalityEndpointsConfig[] = [];
  const seenAddresses = new Set<string>();
  const seenLocalities = new Set<string>();
  const weightSums = new Map<number, number>();
  cla.endpoints.forEach((group, i) => {
    const at = errors.at("endpoints").at(i);
    if (group.lbConfig.case === "ledsClusterLocalityConfig") {
      at.at("leds_cluster_locality_config").add("LEDS is not supported");
      return;
    }
    // A27: a locality without a weight gets no traffic, so it is dropped, not rejected.
    const weight = group.loadBalancingWeight ?? 0;
    if (weight === 0) return;
    const loc = group.locality;
    const locality = { region: loc?.region ?? "", zone: loc?.zone ?? "", subZone: loc?.subZone ?? "" };
    const key = `${group.priority}/${locality.region}/${locality.zone}/${locality.subZone}`;
    if (seenLocalities.has(key)) at.at("locality").add("duplicate locality within the same priority");
    seenLocalities.add(key);
    const sum = (weightSums.get(group.priority) ?? 0) + weight;
    weightSums.set(group.priority, sum);
    if (sum > UINT32_MAX)
      at.at("load_balancing_weight").add(`locality weights of priority ${group.priority} exceed uint32`);
    const endpoints: EndpointConfig[] = [];
    group.lbEndpoints.forEach((lb, j) => {
      const ep = endpointFrom(lb, seenAddresses, at.at("lb_endpoints").at(j));
      if (ep !== undefined) endpoints.push(ep);
    });
    localities.push({ locality, weight, priority: group.priority, endpoints });
  });
  // A27: priorities must run 0..N-1 without gaps.
  const priorities = [...new Set(localities.map((l) => l.priority))].sort((a, b) => a - b);
  priorities.forEach((p, index) => {
    if (p !== index)
      errors.at("endpoints").add(`priorities are not contiguous: ${index} is missing below ${p}`);
  });
  const dropOverloads: DropOverloadConfig[] = [];
  cla.policy?.dropOverloads.forEach((d, i) => {
    const at = errors.at("policy").at("drop_overloads").at(i);
    if (d.dropPercentage === undefined) {
      at.at("drop_percentage").add("is not set");
      return;
    }
    const fraction = fractionFrom(d.dropPercentage, at.at("drop_percentage"));
    if (fraction !== undefined) dropOverloads.push({ category: d.category, fraction });
  });
  localities.sort((a, b) => a.priority - b.priority);
  return { clusterName: cla.clusterName, localities, priorityCount: priorities.length, dropOverloads };
}

export const clusterLoadAssignmentType = defineResourceType({
  kind: "ClusterLoadAssignment",
  typeName: TypeName.clusterLoadAssignment,
  aliasTypeUrls: [DubboTypeUrl.clusterLoadAssignment],
  schema: ClusterLoadAssignmentSchema,
  allResourcesRequiredInSotW: false,
  nameOf: (cla) => cla.clusterName,
  check: (cla, errors) => check(cla, errors),
});
