// The SDK's view of an EDS ClusterLoadAssignment (A27, A61).
import type { Fraction } from "../common/fraction.js";
import type { HostPort } from "../common/socket-address.js";

export type EndpointHealth = "UNKNOWN" | "HEALTHY" | "UNHEALTHY" | "DRAINING" | "TIMEOUT" | "DEGRADED";

export interface EndpointConfig {
  readonly address: HostPort;
  /** A61 dual-stack: more addresses of the same endpoint, tried after `address`. */
  readonly additionalAddresses: readonly HostPort[];
  readonly health: EndpointHealth;
  /**
   * Only UNKNOWN and HEALTHY endpoints take new calls (A27). DRAINING ones are on their way out and get
   * none, as in gRPC and Envoy; existing calls on them may finish.
   */
  readonly usable: boolean;
  /** load_balancing_weight, default 1. */
  readonly weight: number;
  /** Endpoint.hostname, for TLS/authority when set; often empty. */
  readonly hostname: string;
}

export interface LocalityConfig {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface LocalityEndpointsConfig {
  readonly locality: LocalityConfig;
  /** > 0: A27 drops localities without a weight. */
  readonly weight: number;
  /** 0 is the most preferred; priorities are contiguous from 0. */
  readonly priority: number;
  readonly endpoints: readonly EndpointConfig[];
}

export interface DropOverloadConfig {
  readonly category: string;
  readonly fraction: Fraction;
}

export interface ValidatedClusterLoadAssignment {
  readonly clusterName: string;
  /** Sorted by priority, then in the order received. */
  readonly localities: readonly LocalityEndpointsConfig[];
  /** Number of priorities (max priority + 1), 0 when there are no localities. */
  readonly priorityCount: number;
  readonly dropOverloads: readonly DropOverloadConfig[];
}
