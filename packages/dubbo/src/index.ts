// The public API of the SDK (see README.md). The Triple vocabulary users need next to it (Code,
// Metadata, RpcError, HandlerContext, ...) is re-exported, so one import does.
export {
  Code,
  type HandlerContext,
  type Interceptor,
  Metadata,
  type MetadataInit,
  RpcError,
  type ServiceImpl,
} from "@dubbo-mesh/triple";
export { createApp, DubboApp } from "./app/app.js";
export type { AppOptions, ServeOptions, ServeProtocol } from "./app/app-options.js";
export type { DubboCallOptions } from "./client/call-options.js";
export type { ClientOptions, MethodConfig } from "./client/client-options.js";
export type { Invocation } from "./client/invocation.js";
export type { ClientDefaults } from "./client/service-reference.js";
export type { DubboClient, DubboClientMethod } from "./client/typed-client.js";
export type { ClusterContext, ClusterName, ClusterStrategy } from "./cluster/cluster-strategy.js";
export { clusterNames, createCluster } from "./cluster/clusters.js";
export type { FailbackOptions } from "./cluster/failback.js";
export { isRetryable } from "./cluster/retry-policy.js";
export type { ConfigSource } from "./config/config-source.js";
export {
  type ConfigItem,
  type ConfiguratorRule,
  parseConfiguratorRule,
} from "./config/configurator/configurator-rule.js";
export { InMemoryConfigSource, inMemoryConfigSource } from "./config/memory-config-source.js";
export { RuleError } from "./config/rule-error.js";
export {
  CONDITION_ROUTER_SUFFIX,
  CONFIGURATORS_SUFFIX,
  serviceRuleKey,
  TAG_ROUTER_SUFFIX,
} from "./config/rule-keys.js";
export { Directory, type EndpointOverride } from "./directory/directory.js";
export { DEFAULT_WARMUP_MS, Invoker } from "./directory/invoker.js";
export type { Discovery, ServiceQuery, ServiceRegistration, WatchUpdate } from "./discovery/discovery.js";
export { serviceKey } from "./discovery/discovery.js";
export type { Endpoint } from "./discovery/endpoint.js";
export { endpointKey } from "./discovery/endpoint.js";
export { addressOf, DEFAULT_WEIGHT, parseEndpointUrl } from "./discovery/endpoint-url.js";
export { type StaticAddresses, StaticDiscovery, staticDiscovery } from "./discovery/static-discovery.js";
export type { InterfaceClient } from "./interface/interface-client.js";
export {
  defineInterface,
  type InterfaceDefinition,
  type InterfaceImpl,
  type InterfaceMethod,
  type MethodOptions,
  serverStream,
  unary,
} from "./interface/interface-definition.js";
export { createLoadBalancer, loadBalanceNames } from "./loadbalance/balancers.js";
export { DEFAULT_HASH_NODES } from "./loadbalance/consistent-hash.js";
export type {
  ConsistentHashOptions,
  LoadBalanceName,
  LoadBalancer,
  LoadBalancerOptions,
} from "./loadbalance/load-balancer.js";
export { seededRandom } from "./loadbalance/seeded-random.js";
export { calculateWarmupWeight, effectiveWeight } from "./loadbalance/warmup.js";
export { type Logger, silentLogger } from "./log/logger.js";
export type {
  MeshAdapter,
  MeshOptions,
  MeshReference,
  MeshServer,
  MeshServing,
} from "./mesh/mesh-options.js";
export type { XdsServerOptions, XdsServingStatus } from "./mesh/xds/server/xds-server-options.js";
export {
  type XdsMeshAdapter,
  type XdsMeshOptions,
  type XdsNodeOptions,
  xdsMesh,
} from "./mesh/xds/xds-mesh.js";
export { RpcMetrics } from "./metrics/rpc-metrics.js";
export { ConditionRouter } from "./router/condition/condition-router.js";
export { type ConditionRule, parseConditionRule } from "./router/condition/condition-rule.js";
export type { ConsumerInfo, Router } from "./router/router.js";
export { RouterChain } from "./router/router-chain.js";
export { FORCE_TAG_KEY, TAG_KEY, TagRouter } from "./router/tag/tag-router.js";
export { parseTagRule, type TagRule } from "./router/tag/tag-rule.js";
export { clientTracing, serverTracing } from "./tracing/trace-interceptors.js";
export { dubbo2RpcError } from "./transport/dubbo2-errors.js";
export { Dubbo2Transport, type Dubbo2TransportOptions } from "./transport/dubbo2-transport.js";
export {
  type PooledTransportOptions,
  type TransportFactory,
  TransportPool,
  type TransportSpec,
} from "./transport/transport-pool.js";
