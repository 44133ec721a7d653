// DestinationRule traffic policy -> Cluster fields, as istiod's grpc generator (cds.go, 1.29+) maps
// them, with gRPC's limits in mind: gRPC NACKs lb_policy values it lacks, so LEAST_REQUEST goes in
// `load_balancing_policy` with a round-robin fallback (A52: the client takes the first policy it
// knows); RANDOM has no gRPC counterpart and becomes round robin; only `max_requests` of the circuit
// breakers and A50's outlier-detection fields mean anything to gRPC, the rest is for Envoy.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { TrafficPolicy } from "../config/kinds/destination-rule.js";
import {
  Cluster_LbPolicy,
  Cluster_RingHashLbConfig_HashFunction,
  type ClusterSchema,
  LeastRequestSchema,
  RoundRobinSchema,
  UpstreamTlsContextSchema,
  WrrLocalitySchema,
} from "../envoy/gen.js";
import { durationMs, pack } from "../envoy/pack.js";

type ClusterInit = Exclude<MessageInitShape<typeof ClusterSchema>, { readonly $typeName: string }>;

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

function roundRobinInWrrLocality() {
  return {
    typedExtensionConfig: {
      name: "envoy.load_balancing_policies.wrr_locality",
      typedConfig: pack(WrrLocalitySchema, {
        endpointPickingPolicy: {
          policies: [
            {
              typedExtensionConfig: {
                name: "envoy.load_balancing_policies.round_robin",
                typedConfig: pack(RoundRobinSchema, {}),
              },
            },
          ],
        },
      }),
    },
  };
}

export function loadBalancing(policy: TrafficPolicy): Partial<ClusterInit> {
  const lb = policy.loadBalancer;
  if (lb?.consistentHash !== undefined) {
    const min = lb.consistentHash.minimumRingSize;
    return {
      lbPolicy: Cluster_LbPolicy.RING_HASH,
      lbConfig: {
        case: "ringHashLbConfig",
        value: {
          hashFunction: Cluster_RingHashLbConfig_HashFunction.XX_HASH,
          ...(min === undefined ? {} : { minimumRingSize: BigInt(min) }),
        },
      },
    };
  }
  if (lb?.simple === "LEAST_REQUEST" || lb?.simple === "LEAST_CONN") {
    return {
      loadBalancingPolicy: {
        policies: [
          {
            typedExtensionConfig: {
              name: "envoy.load_balancing_policies.least_request",
              typedConfig: pack(LeastRequestSchema, {}),
            },
          },
          roundRobinInWrrLocality(),
        ],
      },
    };
  }
  // ROUND_ROBIN, UNSPECIFIED, RANDOM (no gRPC equivalent; statistically the same spread), PASSTHROUGH.
  return { lbPolicy: Cluster_LbPolicy.ROUND_ROBIN };
}

export function circuitBreakers(policy: TrafficPolicy): Partial<ClusterInit> {
  const p = policy.connectionPool;
  if (p === undefined) return {};
  const t: Record<string, number> = {};
  if (p.http2MaxRequests !== undefined) t.maxRequests = p.http2MaxRequests;
  if (p.http1MaxPendingRequests !== undefined) t.maxPendingRequests = p.http1MaxPendingRequests;
  if (p.maxRetries !== undefined) t.maxRetries = p.maxRetries;
  if (p.maxConnections !== undefined) t.maxConnections = p.maxConnections;
  if (Object.keys(t).length === 0) return {};
  return { circuitBreakers: { thresholds: [t] } };
}

/** Istio's applyOutlierDetection: consecutive errors enforced at 100%, success-rate ejection off. */
export function outlierDetection(policy: TrafficPolicy): Partial<ClusterInit> {
  const o = policy.outlierDetection;
  if (o === undefined) return {};
  return {
    outlierDetection: {
      ...(o.consecutive5xxErrors === undefined
        ? {}
        : {
            consecutive5xx: o.consecutive5xxErrors,
            enforcingConsecutive5xx: o.consecutive5xxErrors > 0 ? 100 : 0,
          }),
      ...(o.consecutiveGatewayErrors === undefined
        ? {}
        : {
            consecutiveGatewayFailure: o.consecutiveGatewayErrors,
            enforcingConsecutiveGatewayFailure: o.consecutiveGatewayErrors > 0 ? 100 : 0,
          }),
      ...(o.intervalMs === undefined ? {} : { interval: durationMs(o.intervalMs) }),
      ...(o.baseEjectionTimeMs === undefined ? {} : { baseEjectionTime: durationMs(o.baseEjectionTimeMs) }),
      ...(o.maxEjectionPercent === undefined ? {} : { maxEjectionPercent: Math.round(o.maxEjectionPercent) }),
      enforcingSuccessRate: 0,
    },
    ...(o.minHealthPercent === undefined
      ? {}
      : { commonLbConfig: { healthyPanicThreshold: { value: o.minHealthPercent } } }),
  };
}

export function connectTimeout(policy: TrafficPolicy): Partial<ClusterInit> {
  return {
    connectTimeout: durationMs(policy.connectionPool?.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
  };
}

const provider = (certificateName: string) => ({ instanceName: "default", certificateName });

/**
 * ISTIO_MUTUAL -> an UpstreamTlsContext naming the bootstrap's `default` certificate provider, with
 * both the current fields and the deprecated ones istiod sent before 1.29 (istio/istio#58257), and
 * the SPIFFE ids of the service's workloads as acceptable SANs. Other modes: plaintext, as istiod.
 */
export function upstreamTls(
  policy: TrafficPolicy,
  sni: string,
  spiffeIds: readonly string[],
): Partial<ClusterInit> {
  if (policy.tlsMode !== "ISTIO_MUTUAL") return {};
  const tls = pack(UpstreamTlsContextSchema, {
    commonTlsContext: {
      tlsCertificateProviderInstance: provider("default"),
      tlsCertificateCertificateProviderInstance: provider("default"),
      validationContextType: {
        case: "combinedValidationContext",
        value: {
          defaultValidationContext: {
            caCertificateProviderInstance: provider("ROOTCA"),
            matchSubjectAltNames: spiffeIds.map((id) => ({
              matchPattern: { case: "exact" as const, value: id },
            })),
          },
          validationContextCertificateProviderInstance: provider("ROOTCA"),
        },
      },
    },
    sni,
  });
  return {
    transportSocket: { name: "envoy.transport_sockets.tls", configType: { case: "typedConfig", value: tls } },
  };
}
