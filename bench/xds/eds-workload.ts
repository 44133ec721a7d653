// EDS: one ClusterLoadAssignment of 10 localities x 1,000 endpoints, shaped as istiod's endpoint builder
// sends it (health status, per-endpoint weight, the tlsMode and workload metadata of every endpoint).
// The metadata is ~90 % of the bytes and nothing in validation reads it, so a bare variant (no
// metadata) is measured as well.

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { clusterLoadAssignmentType } from "@dubbo-mesh/xds";
import { HealthStatus } from "@dubbo-mesh/xds/gen/envoy/config/core/v3/health_check_pb.js";
import type { LbEndpointSchema } from "@dubbo-mesh/xds/gen/envoy/config/endpoint/v3/endpoint_components_pb.js";
import { ClusterLoadAssignmentSchema } from "@dubbo-mesh/xds/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Init } from "./init.js";
import { encodeResponse, type Workload } from "./workload.js";

const HOST = "echo.bench.svc.cluster.local";
const PORT = 8080;
export const EDS_NAME = `outbound|${PORT}||${HOST}`;

function endpoint(locality: number, i: number, metadata: boolean): Init<typeof LbEndpointSchema> {
  const lb: Init<typeof LbEndpointSchema> = {
    hostIdentifier: {
      case: "endpoint",
      value: {
        address: {
          address: {
            case: "socketAddress",
            // 10.<locality>.<hi>.<lo>: unique within the assignment, as the validator requires.
            value: {
              address: `10.${locality}.${i >> 8}.${i & 255}`,
              portSpecifier: { case: "portValue", value: PORT },
            },
          },
        },
      },
    },
    healthStatus: HealthStatus.HEALTHY,
    loadBalancingWeight: 1,
  };
  if (!metadata) return lb;
  return {
    ...lb,
    metadata: {
      filterMetadata: {
        "envoy.transport_socket_match": {
          fields: { tlsMode: { kind: { case: "stringValue", value: "istio" } } },
        },
        istio: {
          fields: {
            workload: {
              kind: { case: "stringValue", value: `echo-v1-${locality}-${i};bench;echo;v1;Kubernetes` },
            },
          },
        },
      },
    },
  };
}

export function edsWorkload(metadata: boolean, localities = 10, perLocality = 1000): Workload {
  const groups = Array.from({ length: localities }, (_, l) => ({
    locality: { region: "region-a", zone: `zone-${l}` },
    loadBalancingWeight: perLocality,
    priority: 0,
    lbEndpoints: Array.from({ length: perLocality }, (_, i) => endpoint(l, i, metadata)),
  }));
  return {
    part: metadata ? "eds" : "eds-bare",
    title: `EDS ${(localities * perLocality).toLocaleString("en-US")} endpoints${metadata ? "" : ", no metadata"}`,
    label: `1 ClusterLoadAssignment, ${localities} localities x ${perLocality.toLocaleString("en-US")} endpoints, ${metadata ? "istiod's tlsMode + workload metadata on each" : "no endpoint metadata"}`,
    typeUrl: clusterLoadAssignmentType.typeUrl,
    names: [EDS_NAME],
    units: localities * perLocality,
    response: (variant) => {
      const cla = create(ClusterLoadAssignmentSchema, {
        clusterName: EDS_NAME,
        endpoints: groups,
        // The per-run change: a field every validator reads past, so each run does the same work.
        policy: { overprovisioningFactor: 140 + variant },
      });
      return encodeResponse(clusterLoadAssignmentType.typeUrl, variant, [
        anyPack(ClusterLoadAssignmentSchema, cla),
      ]);
    },
  };
}
