// `npm run bench -- <suite...>`: runs bench/<suite>.ts modules, each exporting `run(): Promise<void>`.
// Suites are discovered from the files next to this one, so adding a suite is adding a file.

import { readdirSync } from "node:fs";

const benchDir = new URL("./", import.meta.url);

function listSuites(): string[] {
  return readdirSync(benchDir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && e.name !== "run.ts")
    .map((e) => e.name.slice(0, -".ts".length))
    .sort();
}

function hasRun(mod: unknown): mod is { run: () => Promise<void> } {
  return typeof mod === "object" && mod !== null && "run" in mod && typeof mod.run === "function";
}

async function main(): Promise<void> {
  const suites = listSuites();
  const requested = process.argv.slice(2);
  if (requested.length === 0) {
    console.log("usage: npm run bench -- <suite...>\n\nsuites:");
    for (const s of suites) console.log(`  ${s}`);
    console.log(`
env: BENCH_SECONDS      measured seconds per run (default 8)
     BENCH_WARMUP       warm-up seconds before each measured run (default 2)
     BENCH_TARGETS      comma list: only these targets of a suite (e.g. raw,ours)
     BENCH_PARTS        comma list: only these parts of a suite (triple: grpc,json,clients)
     BENCH_CONCURRENCY  calls in flight in the triple client part (default 100)
     BENCH_RETRIES      repeat a run disturbed by other processes, keep the quietest (default 0)`);
    return;
  }
  // Validate every name before running anything: a typo should not cost a three-minute run first.
  const unknown = requested.filter((s) => !suites.includes(s));
  if (unknown.length > 0) {
    console.error(`unknown suite${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
    console.error(`known suites: ${suites.join(", ")}`);
    process.exit(2);
  }
  for (const suite of requested) {
    const mod: unknown = await import(new URL(`${suite}.ts`, benchDir).href);
    if (!hasRun(mod)) {
      console.error(`bench/${suite}.ts does not export run(): Promise<void>`);
      process.exit(2);
    }
    await mod.run();
  }
}

main().then(
  // Exit explicitly: a suite's leftover handle (a socket, a timer) must not keep the run alive.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
