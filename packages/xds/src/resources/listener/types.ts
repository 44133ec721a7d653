// The SDK's view of an LDS Listener: an api_listener for clients (A27), filter chains for xDS-enabled
// servers (A36).
import type { CidrConfig } from "../common/cidr.js";
import type { HostPort } from "../common/socket-address.js";
import type { HttpFilterConfig } from "../http-filters/types.js";
import type { ValidatedRouteConfiguration } from "../route-configuration/types.js";
import type { DownstreamTlsConfig } from "../tls/types.js";

export type RouteSource =
  /** Fetch this RouteConfiguration over RDS (config_source `ads` or `self`, both the ADS stream here). */
  | { readonly kind: "rds"; readonly routeConfigName: string }
  | { readonly kind: "inline"; readonly routeConfiguration: ValidatedRouteConfiguration };

export interface HttpConnectionManagerConfig {
  readonly routes: RouteSource;
  /** In order; the router is last. Unknown optional filters are left out. */
  readonly httpFilters: readonly HttpFilterConfig[];
  /** A31: common_http_protocol_options.max_stream_duration, the default for routes without one. */
  readonly maxStreamDurationMs?: number;
}

export interface ClientListener {
  readonly kind: "client";
  readonly name: string;
  readonly httpConnectionManager: HttpConnectionManagerConfig;
}

export type ConnectionSourceType = "any" | "same_ip_or_loopback" | "external";

export interface FilterChainMatchConfig {
  readonly destinationPort?: number;
  readonly prefixRanges: readonly CidrConfig[];
  readonly sourceType: ConnectionSourceType;
  readonly sourcePrefixRanges: readonly CidrConfig[];
  readonly sourcePorts: readonly number[];
}

export interface FilterChainConfig {
  readonly name: string;
  readonly match: FilterChainMatchConfig;
  readonly httpConnectionManager: HttpConnectionManagerConfig;
  /** Absent: plaintext (istiod's `inbound-plaintext` chain). */
  readonly tls?: DownstreamTlsConfig;
}

export interface ServerListener {
  readonly kind: "server";
  readonly name: string;
  readonly address: HostPort;
  /**
   * Chains that can match. Chains matching on server_names, application_protocols or a transport
   * protocol other than raw_buffer are left out: gRPC never sees those (A36).
   */
  readonly filterChains: readonly FilterChainConfig[];
  readonly defaultFilterChain?: FilterChainConfig;
}

export type ValidatedListener = ClientListener | ServerListener;
