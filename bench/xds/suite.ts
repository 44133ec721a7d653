// Runs every selected part (EDS, CDS, RDS) through every selected step (decode, decode + validate,
// the client path) and returns the rows. Needs global.gc: bench/xds.ts arranges it.

import { progress } from "../lib/progress.js";
import { benchValidationContext } from "./bootstrap.js";
import { cdsWorkload } from "./cds-workload.js";
import { startClientPath } from "./client-path.js";
import { edsWorkload } from "./eds-workload.js";
import { startLoadWindow } from "./machine-load.js";
import { keptResults, measureOnce, type StepSample, type StepStats, statsOf } from "./measure.js";
import { assertAllValid, decodeAndValidate, decodeOnly } from "./offline-steps.js";
import { rdsWorkload } from "./rds-workload.js";
import type { StepName, XdsSettings } from "./settings.js";
import type { PartName, Workload } from "./workload.js";

export interface Row {
  readonly part: PartName;
  readonly step: StepName;
  readonly label: string;
  readonly units: number;
  readonly responseBytes: number;
  readonly stats: StepStats;
  /** Every measured run's time, in run order (ms). */
  readonly samplesMs: readonly number[];
  /** Other processes' CPU during the measured runs, in % of the whole machine. */
  readonly foreignPercent: number;
}

export interface XdsResults {
  readonly rows: readonly Row[];
  readonly kept: number;
}

const workloads: Record<PartName, () => Workload> = {
  eds: () => edsWorkload(),
  cds: () => cdsWorkload(),
  rds: () => rdsWorkload(),
};

/** One step, warm-up then measured runs; `run(variant)` is one measured unit. */
async function repeat(
  settings: XdsSettings,
  run: (variant: number) => Promise<StepSample>,
): Promise<{ samples: StepSample[]; foreignPercent: number }> {
  let variant = 0;
  for (let i = 0; i < settings.warmupRuns; i++) await run(variant++);
  const load = startLoadWindow();
  const samples: StepSample[] = [];
  for (let i = 0; i < settings.runs; i++) samples.push(await run(variant++));
  return { samples, foreignPercent: load.stop() };
}

async function measureStep(workload: Workload, step: StepName, settings: XdsSettings, bytes: Uint8Array) {
  const context = benchValidationContext();
  if (step === "decode") return repeat(settings, () => measureOnce(() => decodeOnly(bytes)));
  if (step === "validate")
    return repeat(settings, () => measureOnce(() => decodeAndValidate(bytes, context)));
  const path = await startClientPath(workload);
  try {
    return await repeat(settings, async (variant) => {
      // Encoded before the clock starts: producing the response is the control plane's work.
      const response = workload.response(variant);
      const sample = await measureOnce(() => path.update(response));
      await path.acked(variant);
      return sample;
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
      const { samples, foreignPercent } = await measureStep(workload, step, settings, bytes);
      const stats = statsOf(samples);
      progress(
        "xds",
        `${part} ${step}: median ${stats.ms.median.toFixed(1)} ms (${stats.ms.min.toFixed(1)}-${stats.ms.max.toFixed(1)}), foreign load ${foreignPercent.toFixed(0)}%`,
      );
      rows.push({
        part,
        step,
        label: workload.label,
        units: workload.units,
        responseBytes: bytes.byteLength,
        stats,
        samplesMs: samples.map((s) => s.ms),
        foreignPercent,
      });
    }
  }
  return { rows, kept: keptResults() };
}
