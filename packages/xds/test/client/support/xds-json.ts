// Resources as a control plane's configuration would write them: Envoy protojson objects with
// "@type". The same objects go to the Go control plane (which parses them with protojson) and to the
// in-process one (which parses them with the registry below), so every test reads the same data.
import { createRegistry, fromJson, type JsonObject } from "@bufbuild/protobuf";
import { type Any, AnySchema } from "@bufbuild/protobuf/wkt";
import { file_envoy_config_cluster_v3_cluster } from "../../../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { file_envoy_config_endpoint_v3_endpoint } from "../../../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { file_envoy_config_listener_v3_listener } from "../../../src/gen/envoy/config/listener/v3/listener_pb.js";
import { file_envoy_config_route_v3_route } from "../../../src/gen/envoy/config/route/v3/route_pb.js";
import { file_envoy_extensions_clusters_aggregate_v3_cluster } from "../../../src/gen/envoy/extensions/clusters/aggregate/v3/cluster_pb.js";
import { file_envoy_extensions_filters_http_fault_v3_fault } from "../../../src/gen/envoy/extensions/filters/http/fault/v3/fault_pb.js";
import { file_envoy_extensions_filters_http_router_v3_router } from "../../../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { file_envoy_extensions_filters_network_http_connection_manager_v3_http_connection_manager } from "../../../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";

export const T = {
  listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  endpoints: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
} as const;

const registry = createRegistry(
  file_envoy_config_listener_v3_listener,
  file_envoy_config_route_v3_route,
  file_envoy_config_cluster_v3_cluster,
  file_envoy_config_endpoint_v3_endpoint,
  file_envoy_extensions_clusters_aggregate_v3_cluster,
  file_envoy_extensions_filters_http_fault_v3_fault,
  file_envoy_extensions_filters_http_router_v3_router,
  file_envoy_extensions_filters_network_http_connection_manager_v3_http_connection_manager,
);

/** protojson -> Any, for the in-process control plane. */
export function anyFromJson(json: JsonObject): Any {
  return fromJson(AnySchema, json, { registry });
}

export function nameOf(json: JsonObject): string {
  const name = json.name ?? json.cluster_name ?? json.clusterName;
  return typeof name === "string" ? name : "";
}

const hcm =
  "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
const routerFilter = {
  name: "envoy.filters.http.router",
  typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
};

/** A client Listener (api_listener) whose routes come over RDS, as istiod sends it. */
export function listener(name: string, routeConfigName: string): JsonObject {
  return {
    "@type": T.listener,
    name,
    api_listener: {
      api_listener: {
        "@type": hcm,
        rds: { config_source: { ads: {} }, route_config_name: routeConfigName },
        http_filters: [routerFilter],
      },
    },
  };
}

/** A client Listener with its RouteConfiguration inline. */
export function inlineListener(name: string, routeConfig: JsonObject): JsonObject {
  const { "@type": _type, ...rc } = routeConfig;
  return {
    "@type": T.listener,
    name,
    api_listener: { api_listener: { "@type": hcm, route_config: rc, http_filters: [routerFilter] } },
  };
}

/** A Listener gRPC rejects: an api_listener that holds no HttpConnectionManager. */
export function invalidListener(name: string): JsonObject {
  return {
    "@type": T.listener,
    name,
    api_listener: {
      api_listener: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
    },
  };
}

export interface RouteTarget {
  readonly cluster?: string;
  readonly weighted?: readonly { readonly name: string; readonly weight: number }[];
  readonly prefix?: string;
}

function routeAction(t: RouteTarget): JsonObject {
  if (t.weighted === undefined) return { cluster: t.cluster ?? "" };
  return { weighted_clusters: { clusters: t.weighted.map((w) => ({ name: w.name, weight: w.weight })) } };
}

export function routeConfig(
  name: string,
  domains: readonly string[],
  targets: readonly RouteTarget[],
): JsonObject {
  return {
    "@type": T.route,
    name,
    virtual_hosts: [
      {
        name: `${name}-vh`,
        domains: [...domains],
        routes: targets.map((t) => ({
          match: { prefix: t.prefix ?? "/" },
          route: routeAction(t),
        })),
      },
    ],
  };
}

/** An EDS cluster fetching ClusterLoadAssignment `serviceName` over ADS. */
export function edsCluster(name: string, serviceName = name): JsonObject {
  return {
    "@type": T.cluster,
    name,
    type: "EDS",
    eds_cluster_config: { eds_config: { ads: {} }, service_name: serviceName },
    connect_timeout: "1s",
  };
}

export function aggregateCluster(name: string, children: readonly string[]): JsonObject {
  return {
    "@type": T.cluster,
    name,
    cluster_type: {
      name: "envoy.clusters.aggregate",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.clusters.aggregate.v3.ClusterConfig",
        clusters: [...children],
      },
    },
  };
}

/** A Cluster gRPC rejects: STATIC discovery. */
export function invalidCluster(name: string): JsonObject {
  return { "@type": T.cluster, name, type: "STATIC", connect_timeout: "1s" };
}

export interface LocalityInit {
  readonly zone?: string;
  readonly weight?: number;
  readonly priority?: number;
  readonly addresses: readonly string[];
}

export function endpoints(clusterName: string, localities: readonly LocalityInit[]): JsonObject {
  return {
    "@type": T.endpoints,
    cluster_name: clusterName,
    endpoints: localities.map((l) => ({
      locality: { region: "r1", zone: l.zone ?? "z1" },
      load_balancing_weight: l.weight ?? 1,
      priority: l.priority ?? 0,
      lb_endpoints: l.addresses.map((a) => {
        const i = a.lastIndexOf(":");
        return {
          endpoint: {
            address: { socket_address: { address: a.slice(0, i), port_value: Number(a.slice(i + 1)) } },
          },
        };
      }),
    })),
  };
}
