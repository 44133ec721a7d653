// Nearest-rank percentiles over raw samples: exact, and cheap enough for a few 100k samples.

export interface LatencySummary {
  count: number;
  /** All in milliseconds. */
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Summarizes latencies given in microseconds; returns milliseconds. Sorts `samplesUs` in place. */
export function summarizeMicros(samplesUs: Float64Array): LatencySummary {
  const count = samplesUs.length;
  if (count === 0) return { count: 0, p50: Number.NaN, p99: Number.NaN, mean: Number.NaN, max: Number.NaN };
  samplesUs.sort();
  let sum = 0;
  for (const v of samplesUs) sum += v;
  const rank = (p: number): number => samplesUs[Math.min(count - 1, Math.max(0, Math.ceil(p * count) - 1))];
  return {
    count,
    p50: rank(0.5) / 1000,
    p99: rank(0.99) / 1000,
    mean: sum / count / 1000,
    max: samplesUs[count - 1] / 1000,
  };
}
