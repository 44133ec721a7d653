// Runs h2load (nghttp2's HTTP/2 and HTTP/1.1 load generator) pinned to the load core and reads
// back both its summary and its per-request log. h2load's summary only has min/max/mean/sd of
// request time; the log (--log-file: start µs, status, duration µs per request of the measured
// phase only) gives exact percentiles and the wall-clock window of the measured phase.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnTracked, stopChild } from "./children.js";
import { type LatencySummary, summarizeMicros } from "./percentiles.js";
import { LOAD_CORE } from "./pinning.js";

export interface H2loadOptions {
  url: string;
  body: Uint8Array;
  headers: readonly string[];
  warmupSeconds: number;
  seconds: number;
  /** Connections (-c). */
  clients: number;
  /** Concurrent streams per connection (-m); for --h1 it would mean pipelining, so leave it unset. */
  streams?: number;
  h1?: boolean;
  /** Called with h2load's pid once it runs (to sample its CPU time). */
  onStart?: (pid: number) => void;
}

export interface H2loadResult {
  /** req/s as h2load reports it (requests of the measured phase / its duration). */
  reqPerSec: number;
  succeeded: number;
  failed: number;
  errored: number;
  /** Requests in the log with an HTTP status other than 2xx. */
  non2xx: number;
  latency: LatencySummary;
  /** Wall-clock window of the measured phase, µs since the epoch (first start to last end). */
  windowStartUs: number;
  windowEndUs: number;
  command: string;
}

export function h2loadArgs(o: H2loadOptions, dataFile: string, logFile: string): string[] {
  const args = [
    `--warm-up-time=${o.warmupSeconds}`,
    "-D",
    String(o.seconds),
    "-c",
    String(o.clients),
    "-t",
    "1",
  ];
  if (o.streams !== undefined) args.push("-m", String(o.streams));
  if (o.h1) args.push("--h1");
  for (const h of o.headers) args.push("-H", h);
  args.push("-d", dataFile, `--log-file=${logFile}`, o.url);
  return args;
}

// Temp dirs still in use, removed on exit too: a signal exits without running `finally` blocks.
const tempDirs = new Set<string>();
process.on("exit", () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export async function runH2load(o: H2loadOptions): Promise<H2loadResult> {
  const dir = mkdtempSync(join(tmpdir(), "bench-h2load-"));
  tempDirs.add(dir);
  try {
    const dataFile = join(dir, "body.bin");
    const logFile = join(dir, "requests.log");
    writeFileSync(dataFile, o.body);
    const args = h2loadArgs(o, dataFile, logFile);
    const child = spawnTracked("h2load", args, LOAD_CORE);
    if (child.pid !== undefined) o.onStart?.(child.pid);
    let stdout = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    // h2load stops by itself after warm-up + duration; the timer is the backstop for a hung peer.
    const backstop = setTimeout(() => void stopChild(child), (o.warmupSeconds + o.seconds + 30) * 1000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearTimeout(backstop);
    if (code !== 0) throw new Error(`h2load exited with ${code}:\n${stdout.slice(-2000)}`);
    return {
      ...parseSummary(stdout),
      ...parseLog(readFileSync(logFile, "utf8")),
      command: `h2load ${args.join(" ")}`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    tempDirs.delete(dir);
  }
}

/** Parses the "finished in" and "requests:" lines of h2load's summary. */
export function parseSummary(
  stdout: string,
): Pick<H2loadResult, "reqPerSec" | "succeeded" | "failed" | "errored"> {
  const finished = /finished in [\d.]+\w+, ([\d.]+) req\/s/.exec(stdout);
  const requests =
    /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored/.exec(stdout);
  if (!finished || !requests) throw new Error(`unexpected h2load output:\n${stdout.slice(-2000)}`);
  return {
    reqPerSec: Number(finished[1]),
    succeeded: Number(requests[1]),
    failed: Number(requests[2]),
    errored: Number(requests[3]),
  };
}

/** Parses h2load's --log-file: one "start_us<TAB>status<TAB>duration_us" line per request. */
export function parseLog(
  text: string,
): Pick<H2loadResult, "latency" | "non2xx" | "windowStartUs" | "windowEndUs"> {
  const lines = text.split("\n").filter((l) => l.length > 0);
  const durations = new Float64Array(lines.length);
  let start = Number.POSITIVE_INFINITY;
  let end = 0;
  let non2xx = 0;
  lines.forEach((line, i) => {
    const [startUs, status, durationUs] = line.split("\t").map(Number);
    durations[i] = durationUs;
    start = Math.min(start, startUs);
    end = Math.max(end, startUs + durationUs);
    // Status 0: the response headers arrived during warm-up, when h2load does not record them.
    if (status !== 0 && !(status >= 200 && status < 300)) non2xx++;
  });
  return { latency: summarizeMicros(durations), non2xx, windowStartUs: start, windowEndUs: end };
}
