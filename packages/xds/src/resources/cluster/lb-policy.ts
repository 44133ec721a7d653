// Cluster LB configuration -> LbPolicyConfig. `load_balancing_policy` (A52) wins when present: the
// first policy in its list whose type we support is used, the rest are fallbacks for other clients.
// Otherwise the legacy `lb_policy` enum: ROUND_ROBIN and LEAST_REQUEST run inside wrr_locality (as
// gRPC does for ROUND_ROBIN), RING_HASH on its own (it weighs localities itself). grpc-js-xds NACKs
// LEAST_REQUEST, which istiod sends since 1.29 for DestinationRule LEAST_REQUEST; we implement it.
import {
  type Cluster,
  Cluster_LbPolicy,
  Cluster_RingHashLbConfig_HashFunction,
  type LoadBalancingPolicy,
} from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClientSideWeightedRoundRobinSchema } from "../../gen/envoy/extensions/load_balancing_policies/client_side_weighted_round_robin/v3/client_side_weighted_round_robin_pb.js";
import { LeastRequestSchema } from "../../gen/envoy/extensions/load_balancing_policies/least_request/v3/least_request_pb.js";
import { PickFirstSchema } from "../../gen/envoy/extensions/load_balancing_policies/pick_first/v3/pick_first_pb.js";
import {
  RingHash_HashFunction,
  RingHashSchema,
} from "../../gen/envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash_pb.js";
import { RoundRobinSchema } from "../../gen/envoy/extensions/load_balancing_policies/round_robin/v3/round_robin_pb.js";
import { WrrLocalitySchema } from "../../gen/envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality_pb.js";
import { nonNegativeMs } from "../common/duration.js";
import { decodeExtension, type ExtensionConfig, unwrapExtension } from "../common/extension-config.js";
import { TypeName } from "../type-urls.js";
import type { FieldErrors } from "../validation.js";
import type { LbPolicyConfig } from "./types.js";

/** A42: larger rings cost memory for no gain; gRPC caps both bounds here. */
export const MAX_RING_SIZE = 8_388_608;
const DEFAULT_MIN_RING_SIZE = 1024;
/** A52: policies nest (wrr_locality -> child); a bound keeps a hostile config finite. */
const MAX_POLICY_DEPTH = 16;

function ringHash(
  min: bigint | undefined,
  max: bigint | undefined,
  errors: FieldErrors,
): LbPolicyConfig | undefined {
  const minRingSize = min === undefined ? DEFAULT_MIN_RING_SIZE : Number(min);
  const maxRingSize = max === undefined ? MAX_RING_SIZE : Number(max);
  let ok = true;
  if (minRingSize > MAX_RING_SIZE) {
    errors.at("minimum_ring_size").add(`must be at most ${MAX_RING_SIZE}`);
    ok = false;
  }
  if (maxRingSize > MAX_RING_SIZE) {
    errors.at("maximum_ring_size").add(`must be at most ${MAX_RING_SIZE}`);
    ok = false;
  }
  if (ok && minRingSize > maxRingSize) {
    errors.at("minimum_ring_size").add("must not exceed maximum_ring_size");
    ok = false;
  }
  return ok ? { kind: "ring_hash", minRingSize, maxRingSize } : undefined;
}

function leastRequest(choiceCount: number | undefined, errors: FieldErrors): LbPolicyConfig | undefined {
  const count = choiceCount ?? 2;
  if (count < 2) {
    errors.at("choice_count").add("must be at least 2");
    return undefined;
  }
  // gRPC implementations cap choice_count at 10: more samples buy nothing.
  return { kind: "least_request", choiceCount: Math.min(count, 10) };
}

function ms(
  d: Parameters<typeof nonNegativeMs>[0] | undefined,
  fallback: number,
  errors: FieldErrors,
): number {
  return d === undefined ? fallback : (nonNegativeMs(d, errors) ?? fallback);
}

/** One typed policy; undefined without a new error means "type not supported, try the next". */
function typedPolicy(
  config: ExtensionConfig,
  errors: FieldErrors,
  depth: number,
): LbPolicyConfig | undefined {
  switch (config.typeName) {
    case TypeName.roundRobin:
      return decodeExtension(RoundRobinSchema, config, errors) === undefined
        ? undefined
        : { kind: "round_robin" };
    case TypeName.leastRequest: {
      const m = decodeExtension(LeastRequestSchema, config, errors);
      return m === undefined ? undefined : leastRequest(m.choiceCount, errors);
    }
    case TypeName.ringHash: {
      const m = decodeExtension(RingHashSchema, config, errors);
      if (m === undefined) return undefined;
      if (
        m.hashFunction !== RingHash_HashFunction.DEFAULT_HASH &&
        m.hashFunction !== RingHash_HashFunction.XX_HASH
      ) {
        errors.at("hash_function").add("only XX_HASH is supported");
        return undefined;
      }
      return ringHash(m.minimumRingSize, m.maximumRingSize, errors);
    }
    case TypeName.pickFirst: {
      const m = decodeExtension(PickFirstSchema, config, errors);
      return m === undefined ? undefined : { kind: "pick_first", shuffleAddressList: m.shuffleAddressList };
    }
    case TypeName.clientSideWeightedRoundRobin: {
      const m = decodeExtension(ClientSideWeightedRoundRobinSchema, config, errors);
      if (m === undefined) return undefined;
      const penalty = m.errorUtilizationPenalty ?? 1;
      if (penalty < 0) errors.at("error_utilization_penalty").add("must not be negative");
      // A58 defaults; weight updates faster than every 100 ms are raised to 100 ms.
      return {
        kind: "weighted_round_robin",
        enableOobLoadReport: m.enableOobLoadReport ?? false,
        oobReportingPeriodMs: ms(m.oobReportingPeriod, 10_000, errors.at("oob_reporting_period")),
        blackoutPeriodMs: ms(m.blackoutPeriod, 10_000, errors.at("blackout_period")),
        weightExpirationPeriodMs: ms(
          m.weightExpirationPeriod,
          180_000,
          errors.at("weight_expiration_period"),
        ),
        weightUpdatePeriodMs: Math.max(
          100,
          ms(m.weightUpdatePeriod, 1_000, errors.at("weight_update_period")),
        ),
        errorUtilizationPenalty: penalty,
      };
    }
    case TypeName.wrrLocality: {
      const m = decodeExtension(WrrLocalitySchema, config, errors);
      if (m === undefined) return undefined;
      const childAt = errors.at("endpoint_picking_policy");
      if (m.endpointPickingPolicy === undefined) {
        childAt.add("is not set");
        return undefined;
      }
      const childPolicy = loadBalancingPolicyFrom(m.endpointPickingPolicy, childAt, depth + 1);
      return childPolicy === undefined ? undefined : { kind: "wrr_locality", childPolicy };
    }
    default:
      return undefined;
  }
}

export function loadBalancingPolicyFrom(
  policy: LoadBalancingPolicy,
  errors: FieldErrors,
  depth = 0,
): LbPolicyConfig | undefined {
  if (depth >= MAX_POLICY_DEPTH) {
    errors.add(`policies nest deeper than ${MAX_POLICY_DEPTH}`);
    return undefined;
  }
  const names: string[] = [];
  for (const [i, p] of policy.policies.entries()) {
    const at = errors.at("policies").at(i).at("typed_extension_config");
    const any = p.typedExtensionConfig?.typedConfig;
    if (any === undefined) {
      at.at("typed_config").add("is not set");
      return undefined;
    }
    const before = errors.count;
    const config = unwrapExtension(any, at.at("typed_config"));
    if (config === undefined) return undefined;
    const result = typedPolicy(config, at.at("typed_config"), depth);
    // A52: the first supported policy decides; if its config is invalid, the cluster is invalid.
    if (errors.count !== before) return undefined;
    if (result !== undefined) return result;
    names.push(config.typeName);
  }
  errors.add(`no supported policy in the list (${names.join(", ") || "empty"})`);
  return undefined;
}

export function clusterLbPolicyFrom(cluster: Cluster, errors: FieldErrors): LbPolicyConfig | undefined {
  if (cluster.loadBalancingPolicy !== undefined) {
    return loadBalancingPolicyFrom(cluster.loadBalancingPolicy, errors.at("load_balancing_policy"));
  }
  switch (cluster.lbPolicy) {
    case Cluster_LbPolicy.ROUND_ROBIN:
      return { kind: "wrr_locality", childPolicy: { kind: "round_robin" } };
    case Cluster_LbPolicy.LEAST_REQUEST: {
      const cfg = cluster.lbConfig.case === "leastRequestLbConfig" ? cluster.lbConfig.value : undefined;
      const child = leastRequest(cfg?.choiceCount, errors.at("least_request_lb_config"));
      return child === undefined ? undefined : { kind: "wrr_locality", childPolicy: child };
    }
    case Cluster_LbPolicy.RING_HASH: {
      const cfg = cluster.lbConfig.case === "ringHashLbConfig" ? cluster.lbConfig.value : undefined;
      const at = errors.at("ring_hash_lb_config");
      if (cfg !== undefined && cfg.hashFunction !== Cluster_RingHashLbConfig_HashFunction.XX_HASH) {
        at.at("hash_function").add("only XX_HASH is supported");
        return undefined;
      }
      return ringHash(cfg?.minimumRingSize, cfg?.maximumRingSize, at);
    }
    default:
      errors
        .at("lb_policy")
        .add(
          `${Cluster_LbPolicy[cluster.lbPolicy] ?? cluster.lbPolicy} is not supported and load_balancing_policy is not set`,
        );
      return undefined;
  }
}
