// @dubbo-mesh/control-plane: Istio resources and Dubbo rules in, xDS out.

export type { DebounceOptions } from "./ads/debouncer.js";
export { DUBBO_RULE_TYPE_URL } from "./ads/dubbo-rule-resources.js";
export { type ConfigChange, type ConfigSnapshot, ConfigStore } from "./config/config-store.js";
export { type ConfigProblem, formatProblem } from "./config/problem.js";
export type { AnyResource, ConfigResource, Kind } from "./config/resource.js";
export { parseResources } from "./config/yaml-resources.js";
export { ControlPlane, type ControlPlaneAddress, type ControlPlaneOptions } from "./control-plane.js";
export { type ClientIdentity, clientIdentity, type NodeInput } from "./registry/node-metadata.js";
export type { Endpoint, RegistrySnapshot, Service } from "./registry/registry-snapshot.js";
// Sources of endpoints (the ZooKeeper sync of a later issue) feed the registry through these.
export { type RegistryEvent, ServiceRegistry } from "./registry/service-registry.js";
export type {
  Locality,
  PortSpec,
  ServiceDefinition,
  ServicePortSpec,
  WorkloadInstance,
} from "./registry/workload-instance.js";
export { ZOOKEEPER_SOURCE } from "./registry/zookeeper/mesh-instances.js";
export type { ServicePorts } from "./registry/zookeeper/mesh-names.js";
export { ZookeeperSync, type ZookeeperSyncOptions } from "./registry/zookeeper/zookeeper-sync.js";
export type { TranslateOptions } from "./translate/translate-options.js";
export { Translator, TypeUrl } from "./translate/translator.js";
