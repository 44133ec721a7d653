// The SDK's view of a CDS Cluster (A27, A32, A37, A42, A48, A50, A52, A29).
import type { HostPort } from "../common/socket-address.js";
import type { UpstreamTlsConfig } from "../tls/types.js";

export type ClusterDiscovery =
  /** Endpoints come from EDS under `serviceName` (eds_cluster_config.service_name, else the cluster name). */
  | { readonly kind: "eds"; readonly serviceName: string }
  /** A37: resolve this host name with DNS. */
  | { readonly kind: "logical_dns"; readonly address: HostPort }
  /** A37: an ordered list of other clusters, the first with usable endpoints wins. */
  | { readonly kind: "aggregate"; readonly clusters: readonly string[] };

/** The load-balancing policy tree (A52), with defaults filled in. */
export type LbPolicyConfig =
  | { readonly kind: "round_robin" }
  /** A48; choice_count 2..10. */
  | { readonly kind: "least_request"; readonly choiceCount: number }
  /** A42; ring sizes capped at 8M. Hashing is XX_HASH. */
  | { readonly kind: "ring_hash"; readonly minRingSize: number; readonly maxRingSize: number }
  /** A62 */
  | { readonly kind: "pick_first"; readonly shuffleAddressList: boolean }
  /** A58 client-side weighted round robin (ORCA). */
  | {
      readonly kind: "weighted_round_robin";
      readonly enableOobLoadReport: boolean;
      readonly oobReportingPeriodMs: number;
      readonly blackoutPeriodMs: number;
      readonly weightExpirationPeriodMs: number;
      readonly weightUpdatePeriodMs: number;
      readonly errorUtilizationPenalty: number;
    }
  /** Pick a locality by its EDS weight, then run `childPolicy` inside it. */
  | { readonly kind: "wrr_locality"; readonly childPolicy: LbPolicyConfig };

/** A50, with gRPC's defaults. Present only when the cluster configures outlier detection. */
export interface OutlierDetectionConfig {
  readonly intervalMs: number;
  readonly baseEjectionTimeMs: number;
  readonly maxEjectionTimeMs: number;
  readonly maxEjectionPercent: number;
  /** Absent when enforcing_success_rate is 0. */
  readonly successRateEjection?: {
    readonly stdevFactor: number;
    readonly enforcementPercentage: number;
    readonly minimumHosts: number;
    readonly requestVolume: number;
  };
  /** Present only when enforcing_failure_percentage is above 0. */
  readonly failurePercentageEjection?: {
    readonly threshold: number;
    readonly enforcementPercentage: number;
    readonly minimumHosts: number;
    readonly requestVolume: number;
  };
  /**
   * Envoy's consecutive-failure detectors. gRPC's outlier detection (A50) ignores them; they are kept
   * for an SDK that wants to implement them, with Envoy's defaults.
   */
  readonly consecutive5xx: { readonly threshold: number; readonly enforcementPercentage: number };
  readonly consecutiveGatewayFailure: { readonly threshold: number; readonly enforcementPercentage: number };
}

export interface ValidatedCluster {
  readonly name: string;
  readonly discovery: ClusterDiscovery;
  readonly lbPolicy: LbPolicyConfig;
  /** A32: circuit_breakers DEFAULT-priority max_requests, default 1024. */
  readonly maxRequests: number;
  readonly outlierDetection?: OutlierDetectionConfig;
  /** Absent: plaintext. */
  readonly tls?: UpstreamTlsConfig;
}
