// CDS: 1,000 Cluster resources as istiod's grpc generator sends them for a mesh with mTLS: EDS over ADS,
// a circuit breaker, Istio mutual TLS with certificate providers; every tenth one has a
// DestinationRule with outlier detection and LEAST_REQUEST.

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { clusterType } from "@dubbo-mesh/xds";
import {
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
  ClusterSchema,
} from "@dubbo-mesh/xds/gen/envoy/config/cluster/v3/cluster_pb.js";
import { UpstreamTlsContextSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { encodeResponse, type Workload } from "./workload.js";

const PORT = 8080;
/** The certificate provider instance istiod's TLS settings name; bootstrap.ts's certificateDir adds it. */
const CERT_PROVIDER = "default";

const host = (i: number): string => `svc-${i}.bench.svc.cluster.local`;
const clusterName = (i: number): string => `outbound|${PORT}||${host(i)}`;
const provider = (certificateName: string) => ({ instanceName: CERT_PROVIDER, certificateName });

function mutualTls(i: number) {
  return anyPack(
    UpstreamTlsContextSchema,
    create(UpstreamTlsContextSchema, {
      commonTlsContext: {
        tlsCertificateProviderInstance: provider("default"),
        validationContextType: {
          case: "combinedValidationContext",
          value: {
            defaultValidationContext: {
              matchSubjectAltNames: [
                { matchPattern: { case: "exact", value: `spiffe://cluster.local/ns/bench/sa/svc-${i}` } },
              ],
              caCertificateProviderInstance: provider("ROOTCA"),
            },
          },
        },
      },
      sni: `outbound_.${PORT}_._.${host(i)}`,
    }),
  );
}

function cluster(i: number, variant: number) {
  const withRule = i % 10 === 0;
  return create(ClusterSchema, {
    name: clusterName(i),
    clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
    edsClusterConfig: {
      edsConfig: {
        configSourceSpecifier: { case: "ads", value: {} },
        initialFetchTimeout: { seconds: 0n },
        resourceApiVersion: 2,
      },
      serviceName: clusterName(i),
    },
    connectTimeout: { seconds: 10n },
    // The per-run change: every cluster's max_requests, so every watcher hears about every run.
    circuitBreakers: { thresholds: [{ maxRequests: 1000 + variant }] },
    transportSocket: {
      name: "envoy.transport_sockets.tls",
      configType: { case: "typedConfig", value: mutualTls(i) },
    },
    ...(withRule
      ? {
          lbPolicy: Cluster_LbPolicy.LEAST_REQUEST,
          outlierDetection: {
            consecutive5xx: 5,
            interval: { seconds: 10n },
            baseEjectionTime: { seconds: 30n },
            maxEjectionPercent: 50,
          },
        }
      : {}),
  });
}

export function cdsWorkload(count = 1000): Workload {
  return {
    part: "cds",
    title: `CDS ${count.toLocaleString("en-US")} clusters`,
    label: `${count.toLocaleString("en-US")} Clusters (EDS, mTLS, 1 in 10 with outlier detection)`,
    typeUrl: clusterType.typeUrl,
    names: Array.from({ length: count }, (_, i) => clusterName(i)),
    units: count,
    response: (variant) =>
      encodeResponse(
        clusterType.typeUrl,
        variant,
        Array.from({ length: count }, (_, i) => anyPack(ClusterSchema, cluster(i, variant))),
      ),
  };
}
