// The knobs of the xds suite, from the environment like every suite's (see bench/README.md).

import { partFilter, targetFilter } from "../lib/settings.js";
import type { PartName } from "./workload.js";

export type StepName = "decode" | "validate" | "client";

export interface XdsSettings {
  /** Measured steady-state runs per step (BENCH_RUNS, default 21: odd, so the median is a run). */
  readonly runs: number;
  /** Measured runs from a collected heap, for heap figures (BENCH_GC_RUNS, default 7). */
  readonly afterGcRuns: number;
  /** Unmeasured runs before them (BENCH_WARMUP_RUNS, default 10): V8 needs ~7 to optimise the decoders. */
  readonly warmupRuns: number;
  readonly parts: readonly PartName[];
  readonly steps: readonly StepName[];
}

function count(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

export function xdsSettings(): XdsSettings {
  const part = partFilter();
  const target = targetFilter();
  return {
    runs: count("BENCH_RUNS", 21, 1),
    afterGcRuns: count("BENCH_GC_RUNS", 7, 1),
    warmupRuns: count("BENCH_WARMUP_RUNS", 10, 0),
    parts: (["eds", "eds-bare", "cds", "rds"] as const).filter(part),
    steps: (["decode", "validate", "client"] as const).filter(target),
  };
}
