// The printed form of the suite's rows: one markdown table, then the notes a reader needs to read it.

import { fmt, markdownTable } from "../lib/table.js";
import type { Summary } from "./measure.js";
import type { StepName } from "./settings.js";
import type { Row } from "./suite.js";
import type { PartName } from "./workload.js";

const stepTitles: Record<StepName, string> = {
  decode: "decode",
  validate: "decode + validate",
  client: "client: push -> onUpdate",
};

const range = (a: number, b: number, decimals: number): string => `${fmt(a, decimals)}-${fmt(b, decimals)}`;
const ms = (s: Summary): string => fmt(s.median, s.median < 10 ? 2 : 1);

export function resultsTable(rows: readonly Row[]): string {
  return markdownTable(
    [
      { title: "update" },
      { title: "step" },
      { title: "median ms", align: "right" },
      { title: "p25-p75 ms", align: "right" },
      { title: "min-max ms", align: "right" },
      { title: "CPU ms", align: "right" },
      { title: "µs / unit", align: "right" },
      { title: "GCs (ms)", align: "right" },
      { title: "after full GC ms", align: "right" },
      { title: "alloc MiB", align: "right" },
      { title: "retained MiB", align: "right" },
      { title: "busy others", align: "right" },
    ],
    rows.map((r) => {
      const t = r.stats.ms;
      return [
        r.title,
        stepTitles[r.step],
        ms(t),
        range(t.p25, t.p75, 1),
        range(t.min, t.max, 1),
        ms(r.stats.cpuMs),
        fmt((t.median * 1000) / r.units, 2),
        `${fmt(r.stats.gcCount.median)} (${fmt(r.stats.gcMs.median, 1)})`,
        ms(r.stats.afterGcMs),
        fmt(r.stats.allocatedMiB.median, 1),
        fmt(r.stats.retainedMiB.median, 2),
        `${fmt(r.foreignPercent)} %`,
      ];
    }),
  );
}

export function workloadLines(rows: readonly Row[]): string[] {
  const seen = new Set<PartName>();
  const lines: string[] = [];
  for (const r of rows) {
    if (seen.has(r.part)) continue;
    seen.add(r.part);
    lines.push(`  ${r.title}: ${r.label}; DiscoveryResponse ${fmt(r.responseBytes)} bytes`);
  }
  return lines;
}

export const NOTES = [
  "median / p25-p75 / min-max ms: wall clock of the steady-state runs (back to back, no forced GC).",
  "CPU ms: the process's CPU time in those runs (all threads, GC helpers count): less hurt than the wall",
  "  clock by busy neighbours, which preempt us. µs / unit: median ms per endpoint / cluster / route.",
  "GCs: collections V8 ran inside a steady-state run (median count and total ms, part of the time).",
  "after full GC ms: runs that start right after global.gc(). A full GC discards the decoders' optimized",
  "  code (V8 'weak objects' deopts), so this is what the first update after a mark-compact costs.",
  "alloc: bytes allocated in an after-GC run (heap growth + what V8 freed meanwhile, v8.GCProfiler).",
  "retained: heap after a full GC with the step's output held, minus before. For the client path it is the",
  "  net change when the new value replaces the cached one (~0 in steady state); the cache itself holds",
  "  about the decode + validate figure plus the resource bytes.",
  "busy others: CPU used by other processes during the step, in % of all cores (a shared machine; from",
  "  /proc/stat 10 ms ticks, so rough for a step of a few seconds).",
  "client path: a real XdsClient (SotW ADS over our Triple client, h2c on 127.0.0.1) and the bench ADS",
  "  server in the same process; the response is encoded before the clock starts; the clock stops when the",
  "  last watcher's onUpdate has run (CDS: all 1,000 watchers).",
];
