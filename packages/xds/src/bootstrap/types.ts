// The typed gRPC xDS bootstrap (A27, with A29 certificate providers, A47 federation, A53 server
// features, A65 tls channel credentials and A97 JWT call credentials). parseBootstrap and
// buildBootstrap both produce this; bootstrapToJson writes it back in gRPC's JSON format.
import type { JsonValue } from "@bufbuild/protobuf";

export type ChannelCredentials =
  | { readonly type: "insecure" }
  /**
   * A65: TLS to the xDS server. Without a CA file the system roots are used; certificate and key
   * (both or neither) give mTLS. Files are re-read every `refreshIntervalMs`.
   */
  | {
      readonly type: "tls";
      readonly caCertificateFile?: string;
      readonly certificateFile?: string;
      readonly privateKeyFile?: string;
      readonly refreshIntervalMs: number;
    };

/** A97: `authorization: Bearer <token>` read from a file (a projected Kubernetes service-account token). */
export interface JwtTokenFileCallCredentials {
  readonly type: "jwt_token_file";
  readonly jwtTokenFile: string;
}

export type CallCredentials = JwtTokenFileCallCredentials;

export interface XdsServerConfig {
  /** e.g. `unix:///etc/istio/proxy/XDS`, `istiod.istio-system.svc:15012`, `dns:///dubbod.dubbo-system.svc:26012` */
  readonly serverUri: string;
  /** The first entry of `channel_creds` this client supports. */
  readonly channelCredentials: ChannelCredentials;
  /** Every supported entry of `call_creds` (A97 applies all of them). */
  readonly callCredentials: readonly CallCredentials[];
  readonly serverFeatures: readonly string[];
  /** A53: `ignore_resource_deletion` in server_features. */
  readonly ignoreResourceDeletion: boolean;
}

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface NodeConfig {
  readonly id: string;
  readonly cluster: string;
  /** Always present (possibly all empty): grpc-js-xds refuses a bootstrap without it. */
  readonly locality: Locality;
  /** Free-form; istiod reads GENERATOR, NAMESPACE, INSTANCE_IPS, LABELS, CLUSTER_ID, ... */
  readonly metadata: Readonly<Record<string, JsonValue>>;
}

/** A29 `file_watcher` certificate provider, the only plugin gRPC defines. */
export interface FileWatcherCertificateProvider {
  readonly pluginName: "file_watcher";
  readonly certificateFile?: string;
  readonly privateKeyFile?: string;
  readonly caCertificateFile?: string;
  readonly refreshIntervalMs: number;
}

export type CertificateProviderConfig = FileWatcherCertificateProvider;

export interface AuthorityConfig {
  /** Default `xdstp://<authority>/envoy.config.listener.v3.Listener/%s`. */
  readonly clientListenerResourceNameTemplate: string;
  /** Empty: use the top-level xds_servers. */
  readonly xdsServers: readonly XdsServerConfig[];
}

export interface Bootstrap {
  readonly xdsServers: readonly XdsServerConfig[];
  readonly node: NodeConfig;
  readonly certificateProviders: Readonly<Record<string, CertificateProviderConfig>>;
  /** `%s` is replaced by `ip:port`; Istio: `xds.istio.io/grpc/lds/inbound/%s`. */
  readonly serverListenerResourceNameTemplate?: string;
  /** Default `%s`. */
  readonly clientDefaultListenerResourceNameTemplate: string;
  readonly authorities: Readonly<Record<string, AuthorityConfig>>;
}
