// The generated Envoy/xDS protobuf code of @dubbo-mesh/xds that the control plane builds resources
// with. That package exports only its index, so the generated modules are reached by path; this file
// is the one place that knows it (a `./gen/*` subpath export in packages/xds would replace it).

export {
  type Cluster,
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
  Cluster_RingHashLbConfig_HashFunction,
  ClusterSchema,
} from "@dubbo-mesh/xds/gen/envoy/config/cluster/v3/cluster_pb.js";
export type { Node } from "@dubbo-mesh/xds/gen/envoy/config/core/v3/base_pb.js";
export { HealthStatus } from "@dubbo-mesh/xds/gen/envoy/config/core/v3/health_check_pb.js";
export {
  type ClusterLoadAssignment,
  ClusterLoadAssignmentSchema,
} from "@dubbo-mesh/xds/gen/envoy/config/endpoint/v3/endpoint_pb.js";
export { type Listener, ListenerSchema } from "@dubbo-mesh/xds/gen/envoy/config/listener/v3/listener_pb.js";
export {
  type Permission,
  type Policy,
  type Principal,
  RBAC_Action,
} from "@dubbo-mesh/xds/gen/envoy/config/rbac/v3/rbac_pb.js";
export {
  type HeaderMatcher,
  HeaderMatcherSchema,
  QueryParameterMatcherSchema,
  RetryPolicySchema,
  type Route,
  type RouteAction,
  RouteAction_HashPolicySchema,
  RouteActionSchema,
  RouteMatchSchema,
  RouteSchema,
  type VirtualHost,
  VirtualHostSchema,
} from "@dubbo-mesh/xds/gen/envoy/config/route/v3/route_components_pb.js";
export {
  type RouteConfiguration,
  RouteConfigurationSchema,
} from "@dubbo-mesh/xds/gen/envoy/config/route/v3/route_pb.js";
export { HTTPFaultSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/filters/http/fault/v3/fault_pb.js";
export { RBACSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
export { RouterSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
export { HttpConnectionManagerSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
export { LeastRequestSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/load_balancing_policies/least_request/v3/least_request_pb.js";
export { RingHashSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash_pb.js";
export { RoundRobinSchema } from "@dubbo-mesh/xds/gen/envoy/extensions/load_balancing_policies/round_robin/v3/round_robin_pb.js";
export { WrrLocalitySchema } from "@dubbo-mesh/xds/gen/envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality_pb.js";
export {
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
} from "@dubbo-mesh/xds/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
export { AggregatedDiscoveryService } from "@dubbo-mesh/xds/gen/envoy/service/discovery/v3/ads_pb.js";
export {
  type DeltaDiscoveryRequest,
  DeltaDiscoveryRequestSchema,
  type DeltaDiscoveryResponse,
  DeltaDiscoveryResponseSchema,
  type DiscoveryRequest,
  DiscoveryRequestSchema,
  type DiscoveryResponse,
  DiscoveryResponseSchema,
  ResourceSchema,
} from "@dubbo-mesh/xds/gen/envoy/service/discovery/v3/discovery_pb.js";
export {
  type StringMatcher,
  StringMatcherSchema,
} from "@dubbo-mesh/xds/gen/envoy/type/matcher/v3/string_pb.js";
export { FractionalPercent_DenominatorType } from "@dubbo-mesh/xds/gen/envoy/type/v3/percent_pb.js";
