// xDS client costs (issue #4, Performance): an EDS update of 10,000 endpoints (with istiod's endpoint
// metadata, and without), a CDS update of 1,000 clusters and an RDS update of 1,000 routes, each as
// decode only, decode + validate, and the full client path (in-process ADS server -> real XdsClient ->
// watcher), in ms and heap.
//
// `npm run bench -- xds`; BENCH_RUNS (21) measured runs after BENCH_WARMUP_RUNS (10) per step;
// BENCH_RETRIES repeats a step disturbed by other processes (keeps the quietest);
// BENCH_PARTS=eds,eds-bare,cds,rds and BENCH_TARGETS=decode,validate,client select.
// Helpers live in bench/xds/; bench/xds/profile.ts profiles one step (hot spots of a slow one).

import { describeMachine, machineInfo } from "./lib/machine.js";
import { progress } from "./lib/progress.js";
import { writeResults } from "./lib/results.js";
import { measureInChild } from "./xds/gc-child.js";
import { gcExposed } from "./xds/measure.js";
import { NOTES, PROXYLESS_PLACEHOLDER, resultsTable, workloadLines } from "./xds/report.js";
import { xdsSettings } from "./xds/settings.js";
import { measureAll } from "./xds/suite.js";

export async function run(): Promise<void> {
  const settings = xdsSettings();
  // Nothing is pinned: the ADS server, the client and V8's GC helpers are one process.
  const machine = { ...machineInfo(), pinned: false };
  console.log(`xds: ${describeMachine(machine)}`);
  console.log(`xds: ${settings.runs} measured runs after ${settings.warmupRuns} warm-up runs per step\n`);

  // Heap figures need global.gc; the dispatcher does not expose it, so measure in a child that does.
  const inProcess = gcExposed();
  progress("xds", inProcess ? "measuring in this process" : "measuring in a child with --expose-gc");
  const { rows } = inProcess ? await measureAll(settings) : await measureInChild(settings);

  console.log(workloadLines(rows).join("\n"));
  console.log(`\n${resultsTable(rows)}\n`);
  for (const note of NOTES) console.log(note);
  console.log(`\n${PROXYLESS_PLACEHOLDER}\n`);

  const file = writeResults(
    "xds",
    { ...settings, gcExposed: true, measuredIn: inProcess ? "dispatcher process" : "child process" },
    { rows, proxylessPerCall: { measured: false, reason: PROXYLESS_PLACEHOLDER } },
    machine,
  );
  console.log(`xds: results written to ${file}`);
}
