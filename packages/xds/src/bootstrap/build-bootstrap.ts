// A bootstrap from SDK options, for processes that talk to the control plane directly (istiod on
// 15012 with TLS + a JWT, dubbod on 26012, or our own control plane) instead of through istio-agent's
// generated file. The defaults are what istio-agent would write for this pod, so istiod serves it the
// proxyless-gRPC configuration.
import { hostname, networkInterfaces } from "node:os";
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { bootstrapToJson } from "./bootstrap-json.js";
import { parseBootstrap } from "./parse-bootstrap.js";
import type { Bootstrap, CertificateProviderConfig, ChannelCredentials, Locality } from "./types.js";

export interface BuildBootstrapOptions {
  /** The xDS server: `istiod.istio-system.svc:15012`, `dns:///host:port`, `unix:///etc/istio/proxy/XDS`. */
  readonly serverUri: string;
  /** Default insecure. istiod's 15012 and dubbod's 26012 need `{ type: "tls", ... }`. */
  readonly channelCredentials?: ChannelCredentials;
  /** A97: a service-account token file sent as `authorization: Bearer ...` (istiod 15012 wants one). */
  readonly jwtTokenFile?: string;
  /** A53 server feature. */
  readonly ignoreResourceDeletion?: boolean;
  /** Overrides the computed `<type>~<ip>~<pod>.<ns>~<ns>.svc.<domain>`. */
  readonly nodeId?: string;
  /** First part of the node id: `sidecar` (istiod) or `proxyless` (what dubbod's own client sends). */
  readonly nodeType?: "sidecar" | "proxyless";
  /** Default: POD_NAME, else the host name. */
  readonly podName?: string;
  /** Default: POD_NAMESPACE, else `default`. */
  readonly namespace?: string;
  /** Default: INSTANCE_IP, else POD_IP, else the first non-internal IPv4 address, else 127.0.0.1. */
  readonly podIp?: string;
  /** Default `cluster.local`. */
  readonly dnsDomain?: string;
  /** Becomes LABELS.app (Istio's canonical service name). */
  readonly app?: string;
  /** Becomes LABELS.version. */
  readonly version?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly serviceAccount?: string;
  /** Istio CLUSTER_ID, default `Kubernetes`. */
  readonly clusterId?: string;
  /** node.cluster; default `<app>.<namespace>` when `app` is given. */
  readonly cluster?: string;
  readonly locality?: Partial<Locality>;
  /** istiod serves proxyless configuration only to GENERATOR `grpc` (the default). */
  readonly generator?: string;
  /** Extra node metadata, applied last (it can override the keys above). */
  readonly metadata?: Readonly<Record<string, JsonValue>>;
  /**
   * Directory holding `cert-chain.pem`, `key.pem`, `root-cert.pem` (istio-agent's OUTPUT_CERTS layout);
   * adds the `default` file_watcher provider istiod's TLS settings name.
   */
  readonly certificateDir?: string;
  readonly certificateProviders?: Readonly<Record<string, CertificateProviderConfig>>;
  /** Default Istio's `xds.istio.io/grpc/lds/inbound/%s`; dubbod uses `xds.dubbo.apache.org/grpc/lds/inbound/%s`. */
  readonly serverListenerResourceNameTemplate?: string;
  /** Where defaults are read from; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** istio-agent refreshes the file_watcher provider every 15 minutes. */
const CERT_REFRESH_MS = 900_000;

function firstExternalIpv4(): string | undefined {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return undefined;
}

function nonEmpty(...values: (string | undefined)[]): string | undefined {
  return values.find((v) => v !== undefined && v !== "");
}

export function buildBootstrap(options: BuildBootstrapOptions): Bootstrap {
  const env = options.env ?? process.env;
  const namespace = nonEmpty(options.namespace, env.POD_NAMESPACE) ?? "default";
  const podName = nonEmpty(options.podName, env.POD_NAME) ?? hostname();
  const podIp = nonEmpty(options.podIp, env.INSTANCE_IP, env.POD_IP) ?? firstExternalIpv4() ?? "127.0.0.1";
  const dnsDomain = options.dnsDomain ?? "cluster.local";
  const nodeId =
    options.nodeId ??
    `${options.nodeType ?? "sidecar"}~${podIp}~${podName}.${namespace}~${namespace}.svc.${dnsDomain}`;
  const labels: Record<string, string> = { ...options.labels };
  if (options.app !== undefined) labels.app = options.app;
  if (options.version !== undefined) labels.version = options.version;
  const metadata: JsonObject = {
    GENERATOR: options.generator ?? "grpc",
    NAMESPACE: namespace,
    INSTANCE_IPS: podIp,
    NAME: podName,
    CLUSTER_ID: options.clusterId ?? "Kubernetes",
    LABELS: labels,
    ...(options.serviceAccount === undefined ? {} : { SERVICE_ACCOUNT: options.serviceAccount }),
    ...options.metadata,
  };
  const providers: Record<string, CertificateProviderConfig> = {};
  if (options.certificateDir !== undefined) {
    const dir = options.certificateDir.replace(/\/+$/, "");
    providers.default = {
      pluginName: "file_watcher",
      certificateFile: `${dir}/cert-chain.pem`,
      privateKeyFile: `${dir}/key.pem`,
      caCertificateFile: `${dir}/root-cert.pem`,
      refreshIntervalMs: CERT_REFRESH_MS,
    };
  }
  Object.assign(providers, options.certificateProviders);
  const serverFeatures = [
    "xds_v3",
    ...(options.ignoreResourceDeletion === true ? ["ignore_resource_deletion"] : []),
  ];
  const draft: Bootstrap = {
    xdsServers: [
      {
        serverUri: options.serverUri,
        channelCredentials: options.channelCredentials ?? { type: "insecure" },
        callCredentials:
          options.jwtTokenFile === undefined
            ? []
            : [{ type: "jwt_token_file", jwtTokenFile: options.jwtTokenFile }],
        serverFeatures,
        ignoreResourceDeletion: options.ignoreResourceDeletion === true,
      },
    ],
    node: {
      id: nodeId,
      cluster: options.cluster ?? (options.app === undefined ? "" : `${options.app}.${namespace}`),
      // Always present, even empty: grpc-js-xds rejects a bootstrap without node.locality.
      locality: {
        region: options.locality?.region ?? "",
        zone: options.locality?.zone ?? "",
        subZone: options.locality?.subZone ?? "",
      },
      metadata,
    },
    certificateProviders: providers,
    serverListenerResourceNameTemplate:
      options.serverListenerResourceNameTemplate ?? "xds.istio.io/grpc/lds/inbound/%s",
    clientDefaultListenerResourceNameTemplate: "%s",
    authorities: {},
  };
  // Round-trip through the parser: options get exactly the checks a bootstrap file gets.
  return parseBootstrap(bootstrapToJson(draft));
}
