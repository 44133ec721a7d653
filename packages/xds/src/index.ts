// @dubbo-mesh/xds: bootstrap, validated xDS resources, the ADS client (state of the world and delta)
// with its CSDS service, and the call-time target resolver.
// Generated protobuf code is reachable under src/gen/ for code that needs raw messages.

export { BootstrapError } from "./bootstrap/bootstrap-error.js";
export { bootstrapToJson } from "./bootstrap/bootstrap-json.js";
export { type BuildBootstrapOptions, buildBootstrap } from "./bootstrap/build-bootstrap.js";
export { clientListenerName, serverListenerName } from "./bootstrap/listener-names.js";
export { type LoadBootstrapOptions, loadBootstrap } from "./bootstrap/load-bootstrap.js";
export { type ClientIdentity, nodeMessage } from "./bootstrap/node-message.js";
export { parseBootstrap } from "./bootstrap/parse-bootstrap.js";
export { parseServerUri, type ServerAddress } from "./bootstrap/server-uri.js";
export type {
  AuthorityConfig,
  Bootstrap,
  CallCredentials,
  CertificateProviderConfig,
  ChannelCredentials,
  FileWatcherCertificateProvider,
  JwtTokenFileCallCredentials,
  Locality,
  NodeConfig,
  XdsServerConfig,
} from "./bootstrap/types.js";
export { validationContextFor } from "./bootstrap/validation-context.js";
// xDS security (A29): certificate providers from the bootstrap and the TLS settings made from them.
export type { CertificateProvider, IdentityCertificate } from "./certificates/certificate-provider.js";
export {
  type CertificateProviderLease,
  CertificateProviderStore,
  certificateProviderStore,
} from "./certificates/certificate-provider-store.js";
export {
  matchSubjectAltNames,
  type SubjectAltName,
  sanMismatchMessage,
  subjectAltNamesOf,
} from "./certificates/san-matching.js";
export type { ClientTlsSettings, ServerTlsSettings } from "./certificates/tls-settings.js";
export { XdsCertificates, type XdsCertificatesOptions } from "./certificates/xds-certificates.js";
export type { BackoffOptions } from "./client/backoff.js";
export type { ResourceState, ResourceStatus } from "./client/client-status.js";
export type { XdsLogger } from "./client/logger.js";
export { closeSharedXdsClients, getXdsClient } from "./client/shared-clients.js";
export type { CancelWatch, ResourceWatcher } from "./client/watcher.js";
export {
  type AdsProtocolName,
  serverOf,
  XdsClient,
  type XdsClientOptions,
} from "./client/xds-client.js";
export { XdsClientError, type XdsClientErrorKind } from "./client/xds-client-error.js";
export {
  type ClientConfigOptions,
  clientConfigOf,
  clientStatusResponse,
} from "./csds/client-status-response.js";
export { type CsdsSource, csdsImpl } from "./csds/csds-service.js";
// xDS-enabled servers (A36) and the RBAC engine (A41).
export { ANONYMOUS_TLS_PEER, peerIdentityOf } from "./rbac/peer-identity.js";
export { evaluateRbacChain, type RbacDecision, RbacEngine } from "./rbac/rbac-engine.js";
export { type PeerIdentity, type RbacRequest, unmapIpv4 } from "./rbac/rbac-request.js";
export { rbacHeaderLookup, type WireHeaders } from "./rbac/request-headers.js";
export type { LeafCluster, ResolvedCluster, TargetConfig } from "./resolver/target-config.js";
export { type TargetWatcher, type WatchTargetOptions, watchTarget } from "./resolver/watch-target.js";
export { clusterType } from "./resources/cluster/cluster-type.js";
export type {
  ClusterDiscovery,
  LbPolicyConfig,
  OutlierDetectionConfig,
  ValidatedCluster,
} from "./resources/cluster/types.js";
export { clusterLoadAssignmentType } from "./resources/cluster-load-assignment/cluster-load-assignment-type.js";
export type {
  DropOverloadConfig,
  EndpointConfig,
  EndpointHealth,
  LocalityConfig,
  LocalityEndpointsConfig,
  ValidatedClusterLoadAssignment,
} from "./resources/cluster-load-assignment/types.js";
export { type CidrConfig, cidrContains } from "./resources/common/cidr.js";
export { type Fraction, type FractionDenominator, fractionHits } from "./resources/common/fraction.js";
export {
  type HeaderMatcherConfig,
  type HeaderMatchRule,
  matchHeader,
} from "./resources/common/header-matcher.js";
export { convertRe2, type Re2Conversion } from "./resources/common/re2.js";
export type { HostPort } from "./resources/common/socket-address.js";
export { matchString, type StringMatcherConfig } from "./resources/common/string-matcher.js";
export { grpcCodeForHttpStatus } from "./resources/http-filters/fault.js";
export type {
  FaultAbort,
  FaultConfig,
  FaultDelay,
  FilterOverrides,
  HttpFilterConfig,
  HttpFilterOverride,
  RbacConfig,
  RbacPermission,
  RbacPolicy,
  RbacPrincipal,
  RbacRules,
} from "./resources/http-filters/types.js";
export { listenerType } from "./resources/listener/listener-type.js";
export type {
  ClientListener,
  ConnectionSourceType,
  FilterChainConfig,
  FilterChainMatchConfig,
  HttpConnectionManagerConfig,
  RouteSource,
  ServerListener,
  ValidatedListener,
} from "./resources/listener/types.js";
export {
  type AnyResourceType,
  type DecodedResource,
  type DecodeOptions,
  decodeResource,
  type ResourceValues,
  resourceTypeFor,
  resourceTypes,
} from "./resources/registry.js";
export {
  canonicalResourceName,
  isXdstpName,
  parseXdstpName,
  type XdstpName,
} from "./resources/resource-name.js";
export type { ResourceKind, ValidationContext, XdsResourceType } from "./resources/resource-type.js";
export { findVirtualHost } from "./resources/route-configuration/domain-match.js";
export { routeConfigurationType } from "./resources/route-configuration/route-configuration-type.js";
export { type CallAttributes, matchRoute } from "./resources/route-configuration/route-match.js";
export type {
  HashPolicyConfig,
  PathMatch,
  QueryParameterMatch,
  RetryPolicyConfig,
  RouteAction,
  RouteConfig,
  RouteMatchConfig,
  ValidatedRouteConfiguration,
  VirtualHostConfig,
  WeightedClusterConfig,
} from "./resources/route-configuration/types.js";
export type {
  CertificateProviderRef,
  DownstreamTlsConfig,
  SanMatcherConfig,
  SanType,
  UpstreamTlsConfig,
} from "./resources/tls/types.js";
export { canonicalTypeName, DubboTypeUrl, TypeName, typeUrlOf } from "./resources/type-urls.js";
export type { Validated } from "./resources/validation.js";
export { type ConnectionAddresses, selectFilterChain } from "./server/filter-chain-select.js";
export {
  type InboundDecision,
  InboundRouting,
  RBAC_DENIED_MESSAGE,
  StatusCode,
} from "./server/inbound-routing.js";
export {
  hostPortText,
  listenerAddressMatches,
  type ServerListenerConfig,
  type ServerListenerWatcher,
  serverListenerNameFor,
  watchServerListener,
} from "./server/watch-server-listener.js";
