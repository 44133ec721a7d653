// xDS client costs (issue #4, Performance): an EDS update of 10,000 endpoints (with istiod's endpoint
// metadata, and without), a CDS update of 1,000 clusters and an RDS update of 1,000 routes, each as
// decode only, decode + validate, and the full client path (in-process ADS server -> real XdsClient ->
// watcher), in ms and heap.
//
// `npm run bench -- xds`; BENCH_RUNS (21) measured runs after BENCH_WARMUP_RUNS (10) per step;
// BENCH_RETRIES repeats a step disturbed by other processes (keeps the quietest);
// BENCH_PARTS=eds,eds-bare,cds,rds,proxyless and BENCH_TARGETS=decode,validate,client select.
// Part `proxyless` (bench/xds/proxyless.ts): proxyless Greet calls through the SDK vs direct Triple
// calls to the same servers, in req/s (BENCH_SECONDS per mode).
// Helpers live in bench/xds/; bench/xds/profile.ts profiles one step (hot spots of a slow one).

import { describeMachine, machineInfo } from "./lib/machine.js";
import { progress } from "./lib/progress.js";
import { readResults, writeResults } from "./lib/results.js";
import { partFilter } from "./lib/settings.js";
import { measureInChild } from "./xds/gc-child.js";
import { gcExposed } from "./xds/measure.js";
import { measureProxyless, proxylessLines } from "./xds/proxyless.js";
import { NOTES, resultsTable, workloadLines } from "./xds/report.js";
import { xdsSettings } from "./xds/settings.js";
import { measureAll } from "./xds/suite.js";

export async function run(): Promise<void> {
  const settings = xdsSettings();
  const withProxyless = partFilter()("proxyless");
  // Nothing is pinned: the ADS server, the client and V8's GC helpers are one process.
  const machine = { ...machineInfo(), pinned: false };
  console.log(`xds: ${describeMachine(machine)}`);
  console.log(`xds: ${settings.runs} measured runs after ${settings.warmupRuns} warm-up runs per step\n`);

  let rows: Awaited<ReturnType<typeof measureAll>>["rows"] = [];
  let measuredIn = "not run";
  if (settings.parts.length > 0) {
    // Heap figures need global.gc; the dispatcher does not expose it, so measure in a child that does.
    const inProcess = gcExposed();
    progress("xds", inProcess ? "measuring in this process" : "measuring in a child with --expose-gc");
    rows = (inProcess ? await measureAll(settings) : await measureInChild(settings)).rows;
    measuredIn = inProcess ? "dispatcher process" : "child process";
    console.log(workloadLines(rows).join("\n"));
    console.log(`\n${resultsTable(rows)}\n`);
    for (const note of NOTES) console.log(note);
  }

  // Part "proxyless": the SDK's xDS call path against direct Triple calls (two pinned children).
  const proxylessPerCall = withProxyless
    ? await measureProxyless()
    : { measured: false, reason: "not selected (BENCH_PARTS)" };
  if ("ratioToDirect" in proxylessPerCall) console.log(`\n${proxylessLines(proxylessPerCall).join("\n")}\n`);

  // A partial run (BENCH_PARTS) keeps the previous run's figures for the parts it did not measure.
  const previous = readResults("xds")?.results as
    | { rows?: typeof rows; proxylessPerCall?: unknown }
    | undefined;
  const file = writeResults(
    "xds",
    { ...settings, gcExposed: true, measuredIn },
    {
      rows: settings.parts.length > 0 ? rows : (previous?.rows ?? rows),
      proxylessPerCall: withProxyless ? proxylessPerCall : (previous?.proxylessPerCall ?? proxylessPerCall),
    },
    machine,
  );
  console.log(`xds: results written to ${file}`);
}
