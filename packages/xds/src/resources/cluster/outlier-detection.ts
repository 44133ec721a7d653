// Cluster.outlier_detection -> OutlierDetectionConfig (A50), defaults from A50 and Envoy.
import type { OutlierDetection } from "../../gen/envoy/config/cluster/v3/outlier_detection_pb.js";
import { nonNegativeMs } from "../common/duration.js";
import type { FieldErrors } from "../validation.js";
import type { OutlierDetectionConfig } from "./types.js";

function percent(value: number | undefined, fallback: number, errors: FieldErrors): number {
  if (value === undefined) return fallback;
  if (value > 100) {
    errors.add("must be a percentage (0..100)");
    return fallback;
  }
  return value;
}

export function outlierDetectionFrom(
  od: OutlierDetection,
  errors: FieldErrors,
): OutlierDetectionConfig | undefined {
  const before = errors.count;
  const durationMs = (d: OutlierDetection["interval"], field: string, fallback: number) =>
    d === undefined ? fallback : (nonNegativeMs(d, errors.at(field)) ?? fallback);
  const intervalMs = durationMs(od.interval, "interval", 10_000);
  const baseEjectionTimeMs = durationMs(od.baseEjectionTime, "base_ejection_time", 30_000);
  // A50: max_ejection_time defaults to max(base_ejection_time, 300s).
  const maxEjectionTimeMs = durationMs(
    od.maxEjectionTime,
    "max_ejection_time",
    Math.max(baseEjectionTimeMs, 300_000),
  );
  const maxEjectionPercent = percent(od.maxEjectionPercent, 10, errors.at("max_ejection_percent"));
  const enforcingSuccessRate = percent(od.enforcingSuccessRate, 100, errors.at("enforcing_success_rate"));
  const enforcingFailurePercentage = percent(
    od.enforcingFailurePercentage,
    0,
    errors.at("enforcing_failure_percentage"),
  );
  const threshold = percent(od.failurePercentageThreshold, 85, errors.at("failure_percentage_threshold"));
  const config: OutlierDetectionConfig = {
    intervalMs,
    baseEjectionTimeMs,
    maxEjectionTimeMs,
    maxEjectionPercent,
    ...(enforcingSuccessRate > 0
      ? {
          successRateEjection: {
            stdevFactor: od.successRateStdevFactor ?? 1900,
            enforcementPercentage: enforcingSuccessRate,
            minimumHosts: od.successRateMinimumHosts ?? 5,
            requestVolume: od.successRateRequestVolume ?? 100,
          },
        }
      : {}),
    ...(enforcingFailurePercentage > 0
      ? {
          failurePercentageEjection: {
            threshold,
            enforcementPercentage: enforcingFailurePercentage,
            minimumHosts: od.failurePercentageMinimumHosts ?? 5,
            requestVolume: od.failurePercentageRequestVolume ?? 50,
          },
        }
      : {}),
    consecutive5xx: {
      threshold: od.consecutive5xx ?? 5,
      enforcementPercentage: percent(od.enforcingConsecutive5xx, 100, errors.at("enforcing_consecutive_5xx")),
    },
    consecutiveGatewayFailure: {
      threshold: od.consecutiveGatewayFailure ?? 5,
      enforcementPercentage: percent(
        od.enforcingConsecutiveGatewayFailure,
        0,
        errors.at("enforcing_consecutive_gateway_failure"),
      ),
    },
  };
  return errors.count === before ? config : undefined;
}
