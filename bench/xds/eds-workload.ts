// EDS: one ClusterLoadAssignment of 10 localities x 1,000 endpoints, shaped as istiod's endpoint builder
// sends it (health status, per-endpoint weight, the tlsMode and workload metadata of every endpoint).

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { clusterLoadAssignmentType } from "@dubbo-mesh/xds";
import { HealthStatus } from "../../packages/xds/src/gen/envoy/config/core/v3/health_check_pb.js";
import type { LbEndpointSchema } from "../../packages/xds/src/gen/envoy/config/endpoint/v3/endpoint_components_pb.js";
import { ClusterLoadAssignmentSchema } from "../../packages/xds/src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import type { Init } from "./init.js";
import { encodeResponse, type Workload } from "./workload.js";

const HOST = "echo.bench.svc.cluster.local";
const PORT = 8080;
export const EDS_NAME = `outbound|${PORT}||${HOST}`;

function endpoint(locality: number, i: number): Init<typeof LbEndpointSchema> {
  return {
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

export function edsWorkload(localities = 10, perLocality = 1000): Workload {
  const groups = Array.from({ length: localities }, (_, l) => ({
    locality: { region: "region-a", zone: `zone-${l}` },
    loadBalancingWeight: perLocality,
    priority: 0,
    lbEndpoints: Array.from({ length: perLocality }, (_, i) => endpoint(l, i)),
  }));
  return {
    part: "eds",
    label: `1 ClusterLoadAssignment, ${localities} localities x ${perLocality.toLocaleString("en-US")} endpoints`,
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
