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

const unitNames: Record<PartName, string> = { eds: "endpoint", cds: "cluster", rds: "route" };

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
      { title: "alloc MiB", align: "right" },
      { title: "retained MiB", align: "right" },
      { title: "GCs (ms)", align: "right" },
      { title: "busy others", align: "right" },
    ],
    rows.map((r) => {
      const t = r.stats.ms;
      return [
        `${r.part.toUpperCase()} ${fmt(r.units)} ${unitNames[r.part]}s`,
        stepTitles[r.step],
        ms(t),
        range(t.p25, t.p75, 1),
        range(t.min, t.max, 1),
        ms(r.stats.cpuMs),
        fmt((t.median * 1000) / r.units, 2),
        fmt(r.stats.allocatedMiB.median, 1),
        fmt(r.stats.retainedMiB.median, 2),
        `${fmt(r.stats.gcCount.median)} (${fmt(r.stats.gcMs.median, 1)})`,
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
    lines.push(`  ${r.part.toUpperCase()}: ${r.label}; DiscoveryResponse ${fmt(r.responseBytes)} bytes`);
  }
  return lines;
}

export const NOTES = [
  "Medians of the measured runs (wall clock), each started from a collected heap (global.gc).",
  "CPU ms: the process's CPU time in the step (all threads, so GC helpers count): less hurt by busy",
  "  neighbours than the wall clock, which they preempt. µs / unit: median wall ms per endpoint/cluster/route.",
  "alloc: bytes allocated inside the step (heap growth + what V8's GCs freed meanwhile, v8.GCProfiler).",
  "retained: heap after a full GC with the step's output still held, minus before. For the client path it is",
  "  the net change when the new value replaces the cached one (~0 in steady state); the cache itself holds",
  "  about the decode + validate figure plus the resource bytes.",
  "GCs: collections V8 ran inside the step (median count, median total ms); their time is part of 'ms'.",
  "busy others: CPU of other processes during the measured runs, in % of all cores (a shared machine).",
  "client path: a real XdsClient (SotW ADS over our Triple client, h2c on 127.0.0.1) and the bench ADS",
  "  server in the same process; the response is encoded before the clock starts; the clock stops when the",
  "  last watcher's onUpdate has run (CDS: all 1,000 watchers).",
];

export const PROXYLESS_PLACEHOLDER =
  "proxyless per-call cost: not measured yet — needs the SDK xDS call path (issue #4: proxyless Greet calls vs direct Triple calls, target >= 0.95 of direct req/s)";
