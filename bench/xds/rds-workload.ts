// RDS: one RouteConfiguration of 1,000 routes over 100 virtual hosts (10 each), with the domains istiod
// lists per service and the route shapes VirtualServices produce: exact paths, a header-matched canary
// split, a regex header, a regex path, and the default route with Istio's retry policy.

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { routeConfigurationType } from "@dubbo-mesh/xds";
import type { RouteSchema } from "@dubbo-mesh/xds/gen/envoy/config/route/v3/route_components_pb.js";
import { RouteConfigurationSchema } from "@dubbo-mesh/xds/gen/envoy/config/route/v3/route_pb.js";
import type { Init } from "./init.js";
import { encodeResponse, type Workload } from "./workload.js";

const PORT = 8080;
export const RDS_NAME = `${PORT}`;

const istioRetry = {
  retryOn: "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes",
  numRetries: 2,
  retryHostPredicate: [{ name: "envoy.retry_host_predicates.previous_hosts" }],
  hostSelectionRetryMaxAttempts: 5n,
};

function domains(svc: string): string[] {
  const fqdn = `${svc}.bench.svc.cluster.local`;
  const forms = [fqdn, svc, `${svc}.bench.svc`, `${svc}.bench`];
  return forms.flatMap((d) => [d, `${d}:${PORT}`]);
}

/** Route `j` of virtual host `k`; `variant` changes the timeout of route 0 only. */
function route(k: number, j: number, variant: number): Init<typeof RouteSchema> {
  const svc = `svc-${k}`;
  const cluster = (subset = ""): string => `outbound|${PORT}|${subset}|${svc}.bench.svc.cluster.local`;
  const to = (name: string, timeoutNanos = 0) => ({
    case: "route" as const,
    value: {
      clusterSpecifier: { case: "cluster" as const, value: name },
      timeout: { seconds: 2n, nanos: timeoutNanos },
      retryPolicy: istioRetry,
    },
  });
  const grpcService = `/bench.v1.Service${k}/`;
  if (j === 0) {
    return {
      name: "canary",
      match: {
        pathSpecifier: { case: "prefix", value: "/" },
        headers: [{ name: "x-canary", headerMatchSpecifier: { case: "exactMatch", value: "true" } }],
      },
      action: {
        case: "route",
        value: {
          clusterSpecifier: {
            case: "weightedClusters",
            value: {
              clusters: [
                { name: cluster("v1"), weight: 90 },
                { name: cluster("v2"), weight: 10 },
              ],
            },
          },
          timeout: { seconds: 2n, nanos: variant },
          maxStreamDuration: { maxStreamDuration: { seconds: 2n }, grpcTimeoutHeaderMax: { seconds: 2n } },
          retryPolicy: istioRetry,
        },
      },
    };
  }
  if (j <= 6) {
    return {
      name: `method-${j}`,
      match: { pathSpecifier: { case: "path", value: `${grpcService}Method${j}` } },
      action: to(cluster("v1")),
    };
  }
  if (j === 7) {
    return {
      name: "versioned",
      match: {
        pathSpecifier: { case: "prefix", value: grpcService },
        headers: [
          {
            name: "x-version",
            headerMatchSpecifier: { case: "safeRegexMatch", value: { regex: "^v[0-9]+(\\.[0-9]+)?$" } },
          },
        ],
      },
      action: to(cluster("v2")),
    };
  }
  if (j === 8) {
    return {
      name: "reads",
      match: {
        pathSpecifier: { case: "safeRegex", value: { regex: `/bench\\.v1\\.Service${k}/(Get|List).*` } },
      },
      action: to(cluster()),
    };
  }
  return { name: "default", match: { pathSpecifier: { case: "prefix", value: "/" } }, action: to(cluster()) };
}

export function rdsWorkload(virtualHosts = 100, routesPerHost = 10): Workload {
  return {
    part: "rds",
    title: `RDS ${(virtualHosts * routesPerHost).toLocaleString("en-US")} routes`,
    label: `1 RouteConfiguration, ${virtualHosts} virtual hosts x ${routesPerHost} routes`,
    typeUrl: routeConfigurationType.typeUrl,
    names: [RDS_NAME],
    units: virtualHosts * routesPerHost,
    response: (variant) => {
      const rc = create(RouteConfigurationSchema, {
        name: RDS_NAME,
        virtualHosts: Array.from({ length: virtualHosts }, (_, k) => ({
          name: `svc-${k}.bench.svc.cluster.local:${PORT}`,
          domains: domains(`svc-${k}`),
          routes: Array.from({ length: routesPerHost }, (_, j) => route(k, j, variant)),
          includeRequestAttemptCount: true,
        })),
        validateClusters: false,
      });
      return encodeResponse(routeConfigurationType.typeUrl, variant, [anyPack(RouteConfigurationSchema, rc)]);
    },
  };
}
