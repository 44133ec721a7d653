// envoy.config.route.v3.RetryPolicy -> RetryPolicyConfig (A44).
import type { RetryPolicy } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { nonNegativeMs } from "../common/duration.js";
import type { FieldErrors } from "../validation.js";
import type { RetryPolicyConfig } from "./types.js";

/** The x-envoy-retry-grpc-on conditions A44 honours, as gRPC status codes. Others are ignored. */
const RETRYABLE_CODES: Readonly<Record<string, number>> = {
  cancelled: 1,
  "deadline-exceeded": 4,
  "resource-exhausted": 8,
  internal: 13,
  unavailable: 14,
};

const DEFAULT_BASE_INTERVAL_MS = 25;

/**
 * Undefined without errors when retry_on names no condition gRPC supports: A44 then leaves the
 * route without a retry policy.
 */
export function retryPolicyFrom(policy: RetryPolicy, errors: FieldErrors): RetryPolicyConfig | undefined {
  const before = errors.count;
  const codes = new Set<number>();
  for (const condition of policy.retryOn.split(",")) {
    const code = RETRYABLE_CODES[condition.trim()];
    if (code !== undefined) codes.add(code);
  }
  const numRetries = policy.numRetries ?? 1;
  if (numRetries < 1) errors.at("num_retries").add("must be at least 1");
  let initialBackoffMs = DEFAULT_BASE_INTERVAL_MS;
  let maxBackoffMs = 10 * DEFAULT_BASE_INTERVAL_MS;
  const backOff = policy.retryBackOff;
  if (backOff !== undefined) {
    const at = errors.at("retry_back_off");
    if (backOff.baseInterval === undefined) {
      at.at("base_interval").add("is required when retry_back_off is set");
    } else {
      const base = nonNegativeMs(backOff.baseInterval, at.at("base_interval"));
      if (base === 0) at.at("base_interval").add("must be greater than zero");
      if (base !== undefined) {
        initialBackoffMs = base;
        maxBackoffMs = 10 * base;
      }
    }
    if (backOff.maxInterval !== undefined) {
      const max = nonNegativeMs(backOff.maxInterval, at.at("max_interval"));
      if (max !== undefined && max < initialBackoffMs) {
        at.at("max_interval").add("must not be less than base_interval");
      } else if (max !== undefined) {
        maxBackoffMs = max;
      }
    }
  }
  if (errors.count !== before || codes.size === 0) return undefined;
  return {
    retryableStatusCodes: [...codes].sort((a, b) => a - b),
    maxAttempts: numRetries + 1,
    initialBackoffMs,
    maxBackoffMs,
    backoffMultiplier: 2,
  };
}
