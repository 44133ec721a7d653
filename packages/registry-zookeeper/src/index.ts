export {
  ZookeeperConfigSource,
  type ZookeeperConfigSourceOptions,
  zookeeperConfigSource,
} from "./config-source.js";
export {
  type RegistryMode,
  ZookeeperDiscovery,
  type ZookeeperDiscoveryOptions,
  zookeeperDiscovery,
} from "./discovery.js";
export type { GovernanceUrls } from "./interface-registry.js";
export { javaInterfaceName, type ProtoServiceLike } from "./java-interface.js";
export type { Logger } from "./logger.js";
export {
  buildMetadata,
  calculateRevision,
  decodeMetadata,
  encodeMetadata,
  type MetadataInfo,
  matchKeyOf,
  type ServiceInfo,
} from "./metadata.js";
export { RegistryPaths } from "./paths.js";
export { decodeInstance, encodeInstance, type ServiceInstance } from "./service-instance.js";
export {
  type DubboUrl,
  decodeJava,
  encodeJava,
  formatUrl,
  parseUrl,
  urlFromNodeName,
  urlNodeName,
} from "./url.js";
export { isProviderUrlMatch, isServiceKeyMatch, type MatchQuery } from "./url-match.js";
export { ZkError, type ZkErrorCode } from "./zk-error.js";
export { ZkSession, type ZkSessionOptions, type ZkSessionState } from "./zk-session.js";
