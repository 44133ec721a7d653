// Runs every selected part (EDS, CDS, RDS) through every selected step (decode, decode + validate,
// the client path) and returns the rows. Needs global.gc: bench/xds.ts arranges it.

import { quietest } from "../lib/noise.js";
import { progress } from "../lib/progress.js";
import { noisyRetries } from "../lib/settings.js";
import { benchValidationContext } from "./bootstrap.js";
import { cdsWorkload } from "./cds-workload.js";
import { startClientPath } from "./client-path.js";
import { edsWorkload } from "./eds-workload.js";
import { startLoadWindow } from "./machine-load.js";
import {
  type AfterGcSample,
  type HotSample,
  keptResults,
  measureAfterGc,
  measureHot,
  type StepStats,
  statsOf,
} from "./measure.js";
import { assertAllValid, decodeAndValidate, decodeOnly } from "./offline-steps.js";
import { rdsWorkload } from "./rds-workload.js";
import type { StepName, XdsSettings } from "./settings.js";
import type { PartName, Workload } from "./workload.js";

export interface Row {
  readonly part: PartName;
  readonly step: StepName;
  readonly title: string;
  readonly label: string;
  readonly units: number;
  readonly responseBytes: number;
  readonly stats: StepStats;
  /** Every steady-state run's time, in run order (ms). */
  readonly samplesMs: readonly number[];
  /** Other processes' CPU during the measured runs, in % of the whole machine. */
  readonly foreignPercent: number;
}

export interface XdsResults {
  readonly rows: readonly Row[];
  readonly kept: number;
}

const workloads: Record<PartName, () => Workload> = {
  eds: () => edsWorkload(true),
  "eds-bare": () => edsWorkload(false),
  cds: () => cdsWorkload(),
  rds: () => rdsWorkload(),
};

/** One run of a step, given the variant to push (the client path needs a new one every run). */
interface StepRunner {
  run(variant: number): Promise<unknown>;
  /** After the measured part of a run (the client path waits for the ACK here). */
  settle(variant: number): Promise<void>;
}

interface StepResult {
  readonly hot: HotSample[];
  readonly afterGc: AfterGcSample[];
  readonly foreignPercent: number;
}

/** Warm-up runs, then steady-state runs, then runs from a collected heap. */
async function repeat(settings: XdsSettings, step: StepRunner): Promise<StepResult> {
  let variant = 0;
  const next = async <S>(measure: (f: () => Promise<unknown>) => Promise<S>): Promise<S> => {
    const v = variant++;
    const sample = await measure(() => step.run(v));
    await step.settle(v);
    return sample;
  };
  for (let i = 0; i < settings.warmupRuns; i++) await next(measureHot);
  const load = startLoadWindow();
  const hot: HotSample[] = [];
  for (let i = 0; i < settings.runs; i++) hot.push(await next(measureHot));
  const afterGc: AfterGcSample[] = [];
  for (let i = 0; i < settings.afterGcRuns; i++) afterGc.push(await next(measureAfterGc));
  return { hot, afterGc, foreignPercent: load.stop() };
}

async function measureStep(
  workload: Workload,
  step: StepName,
  settings: XdsSettings,
  bytes: Uint8Array,
): Promise<StepResult> {
  const context = benchValidationContext();
  const offline = (f: () => unknown): StepRunner => ({
    run: async () => f(),
    settle: async () => {},
  });
  if (step === "decode")
    return repeat(
      settings,
      offline(() => decodeOnly(bytes)),
    );
  if (step === "validate")
    return repeat(
      settings,
      offline(() => decodeAndValidate(bytes, context)),
    );
  const path = await startClientPath(workload);
  // Encoded before the clock starts: producing a response is the control plane's work.
  let response = workload.response(0);
  try {
    return await repeat(settings, {
      run: () => path.update(response),
      settle: async (variant) => {
        await path.acked(variant);
        response = workload.response(variant + 1);
      },
    });
  } finally {
    await path.close();
  }
}

export async function measureAll(settings: XdsSettings): Promise<XdsResults> {
  const rows: Row[] = [];
  for (const part of settings.parts) {
    const workload = workloads[part]();
    const bytes = workload.response(0);
    // A fixture the client would NACK would time the error path: check it once, unmeasured.
    assertAllValid(decodeAndValidate(bytes, benchValidationContext()), workload.names.length);
    progress("xds", `${part}: ${workload.label}, ${bytes.byteLength.toLocaleString("en-US")} bytes`);
    for (const step of settings.steps) {
      // BENCH_RETRIES: a step run while neighbours were busy is repeated, and the quietest one kept.
      const { hot, afterGc, foreignPercent } = await quietest(
        () => measureStep(workload, step, settings, bytes),
        (r) => r.foreignPercent,
        noisyRetries(),
        (noise) => progress("xds", `${part} ${step}: other processes used ${noise.toFixed(0)} %, again`),
      );
      const stats = statsOf(hot, afterGc);
      progress(
        "xds",
        `${part} ${step}: median ${stats.ms.median.toFixed(1)} ms (${stats.ms.min.toFixed(1)}-${stats.ms.max.toFixed(1)}), foreign load ${foreignPercent.toFixed(0)}%`,
      );
      rows.push({
        part,
        step,
        title: workload.title,
        label: workload.label,
        units: workload.units,
        responseBytes: bytes.byteLength,
        stats,
        samplesMs: hot.map((s) => s.ms),
        foreignPercent,
      });
    }
  }
  return { rows, kept: keptResults() };
}
