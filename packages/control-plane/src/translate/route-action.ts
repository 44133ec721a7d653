// The action half of a route: destinations (one cluster or weighted clusters), timeout, retries,
// fault injection, rewrites and the hash policy a consistent-hash DestinationRule needs -- built the
// way istiod's route.go does for its proxyless clients.
import type { Any } from "@bufbuild/protobuf/wkt";
import type { ConsistentHash } from "../config/kinds/destination-rule.js";
import {
  type Destination,
  grpcCodeNumber,
  type HttpFault,
  type HttpRetry,
  type HttpRewrite,
} from "../config/kinds/virtual-service.js";
import { FractionalPercent_DenominatorType, HTTPFaultSchema } from "../envoy/gen.js";
import { durationMs, pack } from "../envoy/pack.js";
import type { HashPolicyInit, RetryPolicyInit, RouteActionInit } from "./init-types.js";
import { FAULT_FILTER } from "./listeners.js";
import type { MeshView } from "./mesh-view.js";
import { clusterName } from "./names.js";

/** istiod's default retry policy (pilot/pkg/networking/core/route/retry/retry.go). */
export const DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
const DEFAULT_ATTEMPTS = 2;

export function retryPolicy(retries: HttpRetry | undefined): RetryPolicyInit | undefined {
  const attempts = retries === undefined ? DEFAULT_ATTEMPTS : retries.attempts;
  // attempts: 0 disables retries; gRPC rejects a policy with num_retries 0 anyway.
  if (attempts <= 0) return undefined;
  return {
    retryOn: retries?.retryOn ?? DEFAULT_RETRY_ON,
    numRetries: attempts,
    ...(retries?.perTryTimeoutMs === undefined ? {} : { perTryTimeout: durationMs(retries.perTryTimeoutMs) }),
    retryHostPredicate: [{ name: "envoy.retry_host_predicates.previous_hosts" }],
    hostSelectionRetryMaxAttempts: 5n,
  };
}

/**
 * VirtualService timeout -> `timeout` (Envoy) and `max_stream_duration` (gRPC, A31), as istiod's
 * setTimeout does; no timeout means none (0), not Envoy's 15 s default.
 */
export function timeouts(ms: number | undefined): Pick<RouteActionInit, "timeout" | "maxStreamDuration"> {
  const d = durationMs(ms ?? 0);
  return { timeout: d, maxStreamDuration: { maxStreamDuration: d, grpcTimeoutHeaderMax: d } };
}

/** Istio's 0..100 percentage as a FractionalPercent per million (istiod's translatePercentToFractionalPercent). */
function percent(value: number | undefined) {
  return {
    numerator: Math.round((value ?? 100) * 10_000),
    denominator: FractionalPercent_DenominatorType.MILLION,
  };
}

/** The per-route config of the HCM's fault filter. */
export function faultConfig(fault: HttpFault): Any {
  return pack(HTTPFaultSchema, {
    ...(fault.delay === undefined
      ? {}
      : {
          delay: {
            faultDelaySecifier: { case: "fixedDelay", value: durationMs(fault.delay.fixedDelayMs) },
            percentage: percent(fault.delay.percentage),
          },
        }),
    ...(fault.abort === undefined
      ? {}
      : {
          abort: {
            errorType:
              fault.abort.grpcStatus !== undefined
                ? { case: "grpcStatus", value: grpcCodeNumber(fault.abort.grpcStatus) ?? 14 }
                : { case: "httpStatus", value: fault.abort.httpStatus ?? 503 },
            percentage: percent(fault.abort.percentage),
          },
        }),
  });
}

export function faultPerFilter(fault: HttpFault | undefined): Record<string, Any> | undefined {
  if (fault === undefined || (fault.delay === undefined && fault.abort === undefined)) return undefined;
  return { [FAULT_FILTER]: faultConfig(fault) };
}

/** Rewrites, which Envoy applies and gRPC ignores (the Istio docs list them as unsupported for proxyless). */
export function rewrites(rw: HttpRewrite | undefined): Partial<RouteActionInit> {
  if (rw === undefined) return {};
  const out: Partial<RouteActionInit> = {};
  if (rw.uri !== undefined) out.prefixRewrite = rw.uri;
  if (rw.uriRegexRewrite !== undefined)
    out.regexRewrite = {
      pattern: { regex: rw.uriRegexRewrite.match },
      substitution: rw.uriRegexRewrite.rewrite,
    };
  if (rw.authority !== undefined)
    out.hostRewriteSpecifier = { case: "hostRewriteLiteral", value: rw.authority };
  return out;
}

/**
 * DestinationRule consistentHash -> route hash policies. A source-IP hash becomes both Envoy's
 * connection-properties policy and gRPC's `io.grpc.channel_id` filter state (A42: gRPC ignores the
 * former, and a per-channel hash is the closest gRPC has to "this client").
 */
export function hashPolicies(ch: ConsistentHash | undefined): HashPolicyInit[] {
  if (ch === undefined) return [];
  if (ch.httpHeaderName !== undefined)
    return [{ policySpecifier: { case: "header", value: { headerName: ch.httpHeaderName.toLowerCase() } } }];
  if (ch.useSourceIp === true)
    return [
      { policySpecifier: { case: "connectionProperties", value: { sourceIp: true } } },
      { policySpecifier: { case: "filterState", value: { key: "io.grpc.channel_id" } } },
    ];
  if (ch.httpCookie !== undefined)
    return [{ policySpecifier: { case: "cookie", value: { name: ch.httpCookie } } }];
  if (ch.httpQueryParameterName !== undefined)
    return [{ policySpecifier: { case: "queryParameter", value: { name: ch.httpQueryParameterName } } }];
  return [];
}

export interface ResolvedDestination {
  readonly host: string;
  readonly port: number;
  readonly subset: string;
  readonly cluster: string;
  readonly weight: number;
}

/**
 * A VirtualService destination -> its cluster. Hosts resolve relative to the VirtualService's
 * namespace; the port is the destination's, else the routed port when it is the same host, else the
 * service's only port.
 */
export function resolveDestination(
  view: MeshView,
  d: Destination,
  vsNamespace: string,
  routed: { host: string; port: number },
  weight: number,
): ResolvedDestination {
  const host = view.resolveHost(d.host, vsNamespace);
  let port = d.port;
  if (port === undefined) {
    const svc = view.service(host);
    if (host === routed.host || svc === undefined) port = routed.port;
    else
      port = svc.ports.some((p) => p.port === routed.port)
        ? routed.port
        : (svc.ports[0]?.port ?? routed.port);
  }
  const subset = d.subset ?? "";
  return { host, port, subset, cluster: clusterName(port, subset, host), weight };
}

/** Cluster specifier plus the hash policy of the (first) destination's load balancer. */
export function destinationAction(view: MeshView, dests: readonly ResolvedDestination[]): RouteActionInit {
  const first = dests[0];
  const policy = view.trafficPolicy(first.host, first.port, first.subset);
  const hash = hashPolicies(policy.loadBalancer?.consistentHash);
  const spec: RouteActionInit["clusterSpecifier"] =
    dests.length === 1
      ? { case: "cluster", value: first.cluster }
      : {
          case: "weightedClusters",
          value: { clusters: dests.map((d) => ({ name: d.cluster, weight: d.weight })) },
        };
  return { clusterSpecifier: spec, ...(hash.length === 0 ? {} : { hashPolicy: hash }) };
}
