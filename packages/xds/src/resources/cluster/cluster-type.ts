// CDS: envoy.config.cluster.v3.Cluster -> ValidatedCluster.
import {
  type Cluster,
  Cluster_DiscoveryType,
  ClusterSchema,
} from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { RoutingPriority } from "../../gen/envoy/config/core/v3/base_pb.js";
import { ClusterConfigSchema } from "../../gen/envoy/extensions/clusters/aggregate/v3/cluster_pb.js";
import { unpackExtension } from "../common/extension-config.js";
import { hostPortFrom } from "../common/socket-address.js";
import { isXdstpName } from "../resource-name.js";
import { defineResourceType } from "../resource-type.js";
import { upstreamTlsFrom } from "../tls/upstream-tls.js";
import { DubboTypeUrl, TypeName } from "../type-urls.js";
import type { FieldErrors } from "../validation.js";
import { clusterLbPolicyFrom } from "./lb-policy.js";
import { outlierDetectionFrom } from "./outlier-detection.js";
import type { ClusterDiscovery, ValidatedCluster } from "./types.js";

/** A32: Envoy's default for circuit_breakers max_requests. */
const DEFAULT_MAX_REQUESTS = 1024;

function discoveryFrom(cluster: Cluster, errors: FieldErrors): ClusterDiscovery | undefined {
  const d = cluster.clusterDiscoveryType;
  if (d.case === "clusterType") {
    const at = errors.at("cluster_type");
    const any = d.value.typedConfig;
    if (any === undefined) {
      at.at("typed_config").add("is not set");
      return undefined;
    }
    const config = unpackExtension(any, ClusterConfigSchema, at.at("typed_config"));
    if (config === undefined) return undefined;
    if (config.clusters.length === 0) {
      at.at("typed_config").at("clusters").add("must not be empty");
      return undefined;
    }
    return { kind: "aggregate", clusters: [...config.clusters] };
  }
  // An unset `type` is STATIC (0), which gRPC does not support.
  const type = d.case === "type" ? d.value : Cluster_DiscoveryType.STATIC;
  if (type === Cluster_DiscoveryType.EDS) {
    const eds = cluster.edsClusterConfig;
    const at = errors.at("eds_cluster_config");
    if (eds === undefined) {
      at.add("is required for type EDS");
      return undefined;
    }
    const source = eds.edsConfig?.configSourceSpecifier.case;
    if (source !== "ads" && source !== "self") {
      at.at("eds_config").add(`must be ads or self, got ${source ?? "nothing"}`);
      return undefined;
    }
    // A47: an xdstp cluster cannot stand for its own EDS resource name.
    if (eds.serviceName === "" && isXdstpName(cluster.name)) {
      at.at("service_name").add("is required when the cluster name is an xdstp:// name");
      return undefined;
    }
    return { kind: "eds", serviceName: eds.serviceName === "" ? cluster.name : eds.serviceName };
  }
  if (type === Cluster_DiscoveryType.LOGICAL_DNS) {
    const at = errors.at("load_assignment");
    const la = cluster.loadAssignment;
    if (la === undefined) {
      at.add("is required for type LOGICAL_DNS");
      return undefined;
    }
    // A37: exactly one locality with exactly one endpoint, naming the DNS host.
    if (la.endpoints.length !== 1 || la.endpoints[0].lbEndpoints.length !== 1) {
      at.at("endpoints").add("LOGICAL_DNS needs exactly one locality with exactly one endpoint");
      return undefined;
    }
    const host = la.endpoints[0].lbEndpoints[0].hostIdentifier;
    const epAt = at.at("endpoints").at(0).at("lb_endpoints").at(0).at("endpoint");
    if (host.case !== "endpoint") {
      epAt.add("is not set");
      return undefined;
    }
    const address = hostPortFrom(host.value.address, epAt.at("address"));
    return address === undefined ? undefined : { kind: "logical_dns", address };
  }
  errors
    .at("type")
    .add(
      `${Cluster_DiscoveryType[type] ?? type} is not supported (EDS, LOGICAL_DNS or an aggregate cluster_type)`,
    );
  return undefined;
}

function maxRequestsFrom(cluster: Cluster): number {
  for (const t of cluster.circuitBreakers?.thresholds ?? []) {
    if (t.priority === RoutingPriority.DEFAULT) return t.maxRequests ?? DEFAULT_MAX_REQUESTS;
  }
  return DEFAULT_MAX_REQUESTS;
}

export const clusterType = defineResourceType({
  kind: "Cluster",
  typeName: TypeName.cluster,
  aliasTypeUrls: [DubboTypeUrl.cluster],
  schema: ClusterSchema,
  allResourcesRequiredInSotW: true,
  nameOf: (cluster) => cluster.name,
  check(cluster, errors, context): ValidatedCluster {
    const discovery = discoveryFrom(cluster, errors);
    const lbPolicy = clusterLbPolicyFrom(cluster, errors);
    const outlierDetection =
      cluster.outlierDetection === undefined
        ? undefined
        : outlierDetectionFrom(cluster.outlierDetection, errors.at("outlier_detection"));
    const tls =
      cluster.transportSocket === undefined
        ? undefined
        : upstreamTlsFrom(
            cluster.transportSocket,
            context.certificateProviders,
            errors.at("transport_socket"),
          );
    // lrs_server is ignored: this SDK does not report load.
    // Casts are safe: undefined only comes with a recorded error, and then the value is discarded.
    return {
      name: cluster.name,
      discovery: discovery as ClusterDiscovery,
      lbPolicy: lbPolicy as ValidatedCluster["lbPolicy"],
      maxRequests: maxRequestsFrom(cluster),
      ...(outlierDetection === undefined ? {} : { outlierDetection }),
      ...(tls === undefined ? {} : { tls }),
    };
  },
});
