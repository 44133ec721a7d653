// Hand-written Envoy resources (protojson with "@type") for the go-control-plane peer: a client
// Listener over RDS, a RouteConfiguration, EDS clusters and their ClusterLoadAssignments.
const T = {
  listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  endpoints: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
} as const;

export function apiListener(name: string, routeConfigName: string): object {
  return {
    "@type": T.listener,
    name,
    api_listener: {
      api_listener: {
        "@type":
          "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        rds: { config_source: { ads: {} }, route_config_name: routeConfigName },
        http_filters: [
          {
            name: "envoy.filters.http.router",
            typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
          },
        ],
      },
    },
  };
}

/** Routes as Envoy writes them (`match`, `route`), under one virtual host for `domains`. */
export function routeConfiguration(
  name: string,
  domains: readonly string[],
  routes: readonly object[],
): object {
  return { "@type": T.route, name, virtual_hosts: [{ name: `${name}-vh`, domains, routes }] };
}

export function edsCluster(name: string, lbPolicy: "ROUND_ROBIN" | "RING_HASH" = "ROUND_ROBIN"): object {
  return {
    "@type": T.cluster,
    name,
    type: "EDS",
    eds_cluster_config: { eds_config: { ads: {} }, service_name: name },
    connect_timeout: "1s",
    lb_policy: lbPolicy,
  };
}

export function assignment(name: string, addresses: readonly { host: string; port: number }[]): object {
  return {
    "@type": T.endpoints,
    cluster_name: name,
    endpoints: [
      {
        locality: { zone: "z1" },
        load_balancing_weight: 1,
        lb_endpoints: addresses.map((a) => ({
          endpoint: { address: { socket_address: { address: a.host, port_value: a.port } } },
        })),
      },
    ],
  };
}
