// The SDK's view of an RDS RouteConfiguration (A28, A31, A39, A42, A44): plain, frozen, ready to match.
import type { Fraction } from "../common/fraction.js";
import type { HeaderMatcherConfig } from "../common/header-matcher.js";
import type { StringMatcherConfig } from "../common/string-matcher.js";
import type { FilterOverrides } from "../http-filters/types.js";

export type PathMatch =
  | { readonly kind: "prefix"; readonly prefix: string }
  | { readonly kind: "path"; readonly path: string }
  /** Full-match RegExp converted from RE2; case_sensitive does not apply to it (Envoy semantics). */
  | { readonly kind: "safe_regex"; readonly regex: string; readonly pattern: RegExp };

export type QueryParameterMatch =
  | { readonly name: string; readonly kind: "string"; readonly matcher: StringMatcherConfig }
  | { readonly name: string; readonly kind: "present" };

export interface RouteMatchConfig {
  readonly path: PathMatch;
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatcherConfig[];
  /**
   * gRPC requests carry no query string, so a route with query matchers never matches a gRPC call
   * (A28 ignores such routes); kept for Triple over HTTP/1.1 requests that have one.
   */
  readonly queryParameters: readonly QueryParameterMatch[];
  /** The route is considered only with this probability (runtime_fraction.default_value). */
  readonly runtimeFraction?: Fraction;
}

/** A44: Envoy RetryPolicy as a gRPC retry policy. */
export interface RetryPolicyConfig {
  /** gRPC status codes from retry_on: cancelled 1, deadline-exceeded 4, resource-exhausted 8, internal 13, unavailable 14. */
  readonly retryableStatusCodes: readonly number[];
  /** num_retries + 1 (num_retries defaults to 1). */
  readonly maxAttempts: number;
  /** retry_back_off.base_interval, default 25 ms. */
  readonly initialBackoffMs: number;
  /** retry_back_off.max_interval, default 10 x base. */
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: 2;
}

/** A42: what ring_hash hashes for a call. Unsupported policy types are dropped. */
export type HashPolicyConfig =
  | {
      readonly kind: "header";
      readonly headerName: string;
      readonly regexRewrite?: {
        readonly regex: string;
        readonly pattern: RegExp;
        readonly replacement: string;
      };
      readonly terminal: boolean;
    }
  /** filter_state `io.grpc.channel_id`: hash the client channel's identity. */
  | { readonly kind: "channel_id"; readonly terminal: boolean };

export interface WeightedClusterConfig {
  readonly name: string;
  readonly weight: number;
  readonly filterOverrides: FilterOverrides;
}

interface ForwardingAction {
  /**
   * A31: max_stream_duration.grpc_timeout_header_max if set, else max_stream_duration.max_stream_duration.
   * Undefined: use the HCM's default. 0: no limit.
   */
  readonly maxStreamDurationMs?: number;
  /** The route's retry_policy, or the virtual host's when the route has none. */
  readonly retryPolicy?: RetryPolicyConfig;
  readonly hashPolicies: readonly HashPolicyConfig[];
}

export type RouteAction =
  | (ForwardingAction & { readonly kind: "cluster"; readonly cluster: string })
  | (ForwardingAction & {
      readonly kind: "weighted_clusters";
      /** Only clusters with a non-zero weight. */
      readonly clusters: readonly WeightedClusterConfig[];
      readonly totalWeight: number;
    })
  /** Server side: the call goes to the local service (A36). */
  | { readonly kind: "non_forwarding" }
  /** redirect / direct_response / filter_action: a client that matches this route fails the call (UNAVAILABLE). */
  | { readonly kind: "unsupported"; readonly action: string };

export interface RouteConfig {
  readonly name: string;
  readonly match: RouteMatchConfig;
  readonly action: RouteAction;
  readonly filterOverrides: FilterOverrides;
}

export interface VirtualHostConfig {
  readonly name: string;
  /** Lower-cased patterns: exact, `*.suffix`, `prefix.*` or `*`. */
  readonly domains: readonly string[];
  readonly routes: readonly RouteConfig[];
  readonly filterOverrides: FilterOverrides;
}

export interface ValidatedRouteConfiguration {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHostConfig[];
  readonly filterOverrides: FilterOverrides;
}
