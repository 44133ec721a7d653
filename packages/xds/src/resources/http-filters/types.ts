// HTTP filters gRPC understands (A39): Router (terminal), Fault (client, A33), RBAC (server, A41).
import type { CidrConfig } from "../common/cidr.js";
import type { Fraction } from "../common/fraction.js";
import type { HeaderMatcherConfig } from "../common/header-matcher.js";
import type { StringMatcherConfig } from "../common/string-matcher.js";

export type FaultDelay =
  | { readonly kind: "fixed"; readonly delayMs: number; readonly percentage: Fraction }
  /** Delay taken from the `x-envoy-fault-delay-request` header of the call. */
  | { readonly kind: "header"; readonly percentage: Fraction };

export type FaultAbort =
  /** `code` is a gRPC status code; `http_status` aborts are mapped as gRPC maps HTTP statuses. */
  | {
      readonly kind: "status";
      readonly code: number;
      readonly httpStatus?: number;
      readonly percentage: Fraction;
    }
  /** Status taken from the `x-envoy-fault-abort-grpc-request` / `-request` headers of the call. */
  | { readonly kind: "header"; readonly percentage: Fraction };

export interface FaultConfig {
  readonly delay?: FaultDelay;
  readonly abort?: FaultAbort;
  /** Faults in progress at once across the channel; undefined = unlimited. */
  readonly maxActiveFaults?: number;
  /** The fault applies only to calls whose headers match all of these. */
  readonly headers: readonly HeaderMatcherConfig[];
}

export type RbacPermission =
  | { readonly kind: "and" | "or"; readonly rules: readonly RbacPermission[] }
  | { readonly kind: "any" }
  | { readonly kind: "header"; readonly matcher: HeaderMatcherConfig }
  /** Matches the full method path `/pkg.Service/Method`. */
  | { readonly kind: "url_path"; readonly matcher: StringMatcherConfig }
  | { readonly kind: "destination_ip"; readonly cidr: CidrConfig }
  | { readonly kind: "destination_port"; readonly port: number }
  /** [start, end) */
  | { readonly kind: "destination_port_range"; readonly start: number; readonly end: number }
  /** Envoy dynamic metadata does not exist in gRPC: never matches (matches when `invert`), per A41. */
  | { readonly kind: "metadata"; readonly invert: boolean }
  | { readonly kind: "not"; readonly rule: RbacPermission }
  /** gRPC has no SNI on this path: matched against the empty string, per A41. */
  | { readonly kind: "requested_server_name"; readonly matcher: StringMatcherConfig };

export type RbacPrincipal =
  | { readonly kind: "and" | "or"; readonly ids: readonly RbacPrincipal[] }
  | { readonly kind: "any" }
  /** No name: any TLS connection matches. Otherwise URI SANs, then DNS SANs, then the subject (A41). */
  | { readonly kind: "authenticated"; readonly principalName?: StringMatcherConfig }
  /** source_ip, direct_remote_ip and remote_ip all mean the peer address in gRPC (A41). */
  | { readonly kind: "source_ip" | "direct_remote_ip" | "remote_ip"; readonly cidr: CidrConfig }
  | { readonly kind: "header"; readonly matcher: HeaderMatcherConfig }
  | { readonly kind: "url_path"; readonly matcher: StringMatcherConfig }
  | { readonly kind: "metadata"; readonly invert: boolean }
  | { readonly kind: "not"; readonly id: RbacPrincipal };

export interface RbacPolicy {
  readonly name: string;
  /** A policy matches when any permission and any principal match. */
  readonly permissions: readonly RbacPermission[];
  readonly principals: readonly RbacPrincipal[];
}

export interface RbacRules {
  /** ALLOW: a call is allowed iff some policy matches. DENY: denied iff some policy matches. */
  readonly action: "ALLOW" | "DENY";
  /** Sorted by name. */
  readonly policies: readonly RbacPolicy[];
}

export interface RbacConfig {
  /** Undefined: no enforcement (no rules, a LOG-only policy, or disabled by a per-route override). */
  readonly rules?: RbacRules;
}

interface FilterBase {
  /** The filter instance name from the HCM, the key of per-route overrides. */
  readonly name: string;
  /** HttpFilter.disabled: off unless a per-route override enables it. */
  readonly disabled: boolean;
}

export type HttpFilterConfig =
  | (FilterBase & { readonly kind: "router" })
  | (FilterBase & { readonly kind: "fault"; readonly config: FaultConfig })
  | (FilterBase & { readonly kind: "rbac"; readonly config: RbacConfig });

/** A `typed_per_filter_config` entry, keyed by filter instance name on the virtual host/route/cluster. */
export type HttpFilterOverride =
  | { readonly kind: "fault"; readonly config: FaultConfig }
  | { readonly kind: "rbac"; readonly config: RbacConfig }
  /** `envoy.config.route.v3.FilterConfig` with `disabled: true`. */
  | { readonly kind: "disabled" };

export type FilterOverrides = Readonly<Record<string, HttpFilterOverride>>;
