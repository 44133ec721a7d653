// Type URLs of the resources and extension configs this package understands, and the aliasing of the
// Dubbo control plane's renamed packages.
//
// The Dubbo control plane (apache/dubbo-kubernetes "dubbod", protos in kdubbo/xds-api) serves the same
// messages as Envoy's v3 API (same field numbers) under different package names:
// `type.googleapis.com/listener.v1.Listener`, `route.v1.RouteConfiguration`, `cluster.v1.Cluster`,
// `endpoint.v1.ClusterLoadAssignment`, and nested ones such as
// `extensions.filters.network.http_connection_manager.v1.HttpConnectionManager`. A standard client cannot
// decode those, so every type URL we read goes through `canonicalTypeName`, which maps `<pkg>.v1.<Name>`
// onto `envoy.<pkg>.v3.<Name>` or `envoy.config.<pkg>.v3.<Name>` when that is a type we know.

export const TYPE_URL_PREFIX = "type.googleapis.com/";

/** Fully-qualified protobuf names, without the `type.googleapis.com/` prefix. */
export const TypeName = {
  listener: "envoy.config.listener.v3.Listener",
  routeConfiguration: "envoy.config.route.v3.RouteConfiguration",
  cluster: "envoy.config.cluster.v3.Cluster",
  clusterLoadAssignment: "envoy.config.endpoint.v3.ClusterLoadAssignment",
  discoveryResource: "envoy.service.discovery.v3.Resource",
  httpConnectionManager: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  router: "envoy.extensions.filters.http.router.v3.Router",
  fault: "envoy.extensions.filters.http.fault.v3.HTTPFault",
  rbac: "envoy.extensions.filters.http.rbac.v3.RBAC",
  rbacPerRoute: "envoy.extensions.filters.http.rbac.v3.RBACPerRoute",
  filterConfig: "envoy.config.route.v3.FilterConfig",
  udpaTypedStruct: "udpa.type.v1.TypedStruct",
  xdsTypedStruct: "xds.type.v3.TypedStruct",
  upstreamTlsContext: "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
  downstreamTlsContext: "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
  aggregateClusterConfig: "envoy.extensions.clusters.aggregate.v3.ClusterConfig",
  roundRobin: "envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin",
  leastRequest: "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest",
  ringHash: "envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash",
  wrrLocality: "envoy.extensions.load_balancing_policies.wrr_locality.v3.WrrLocality",
  pickFirst: "envoy.extensions.load_balancing_policies.pick_first.v3.PickFirst",
  clientSideWeightedRoundRobin:
    "envoy.extensions.load_balancing_policies.client_side_weighted_round_robin.v3.ClientSideWeightedRoundRobin",
} as const;

export type KnownTypeName = (typeof TypeName)[keyof typeof TypeName];

const known: ReadonlySet<string> = new Set(Object.values(TypeName));

/** `type.googleapis.com/x.y.Z` -> `x.y.Z`; anything up to the last `/` is dropped, as protobuf does. */
export function typeNameOf(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
}

export function typeUrlOf(typeName: string): string {
  return TYPE_URL_PREFIX + typeName;
}

/**
 * The Envoy v3 name for a type URL, undoing the Dubbo control plane's `<pkg>.v1.<Name>` renaming when
 * the result is a type we know. Unknown names come back unchanged (without the URL prefix).
 */
export function canonicalTypeName(typeUrl: string): string {
  const name = typeNameOf(typeUrl);
  if (known.has(name)) return name;
  const match = /^([a-z_.]+)\.v1\.([A-Za-z0-9_]+)$/.exec(name);
  if (match === null) return name;
  const [, pkg, message] = match;
  for (const candidate of [`envoy.${pkg}.v3.${message}`, `envoy.config.${pkg}.v3.${message}`]) {
    if (known.has(candidate)) return candidate;
  }
  return name;
}

/** The Dubbo control plane's type URLs for the four resource types (see the note at the top). */
export const DubboTypeUrl = {
  listener: typeUrlOf("listener.v1.Listener"),
  routeConfiguration: typeUrlOf("route.v1.RouteConfiguration"),
  cluster: typeUrlOf("cluster.v1.Cluster"),
  clusterLoadAssignment: typeUrlOf("endpoint.v1.ClusterLoadAssignment"),
} as const;
