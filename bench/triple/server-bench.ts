// Server part: each server alone in its own process on the subject core, the same h2load load on
// the load core, one server at a time so that they never compete for the two cores.

import { spawnNodeChild, Unavailable } from "../lib/children.js";
import { CpuSampler, coreBusyMicros, procCpuMicros } from "../lib/cpu.js";
import { runH2load } from "../lib/h2load.js";
import { NOISE_PERCENT } from "../lib/noise.js";
import type { LatencySummary } from "../lib/percentiles.js";
import { canPin, SUBJECT_CORE } from "../lib/pinning.js";
import { progress } from "../lib/progress.js";
import { GREET_PATH, GRPC_REQUEST_FRAME, JSON_REQUEST_BODY } from "./greet.js";
import { probeGrpc, probeJson } from "./probe.js";

export type Wire = "grpc" | "json";

export interface ServerTarget {
  name: string;
  label: string;
  module: URL;
  config?: unknown;
}

export interface LoadShape {
  warmupSeconds: number;
  seconds: number;
  clients: number;
  streams?: number;
}

export interface ServerRow {
  name: string;
  label: string;
  outcome: "ok" | "skipped" | "failed";
  note?: string;
  reqPerSec?: number;
  latency?: LatencySummary;
  /** Server CPU time (utime + stime, all threads) per completed request in the measured phase. */
  cpuUsPerCall?: number;
  /** Server CPU time / wall time of the measured phase: 100 means the subject core was saturated. */
  cpuPercent?: number;
  /** h2load's CPU time / wall time: near 100 would mean the load generator, not the server, capped it. */
  loadCpuPercent?: number;
  /**
   * Busy time of the server's core not spent by the server (other processes of a shared machine,
   * hypervisor steal; this kernel charges loopback softirq to the process that triggered it):
   * above a few percent, the row was disturbed. Only when pinned.
   */
  foreignPercent?: number;
  failedRequests?: number;
  command?: string;
}

const WIRE = {
  grpc: {
    body: GRPC_REQUEST_FRAME,
    headers: ["content-type: application/grpc", "te: trailers"],
    h1: false,
    probe: probeGrpc,
  },
  json: { body: JSON_REQUEST_BODY, headers: ["content-type: application/json"], h1: true, probe: probeJson },
} as const;

export async function benchServer(target: ServerTarget, wire: Wire, shape: LoadShape): Promise<ServerRow> {
  const scope = `server ${target.name} (${wire})`;
  const base = { name: target.name, label: target.label };
  progress(scope, "starting");
  const child = spawnNodeChild(target.module, target.config ?? {}, SUBJECT_CORE);
  try {
    const { port } = await child.next("listening", 30_000);
    await WIRE[wire].probe(port);
    progress(scope, `port ${port}, probe ok; h2load ${shape.warmupSeconds}s warm-up + ${shape.seconds}s`);
    let sampler: CpuSampler<"server" | "h2load" | "core"> | undefined;
    const h2 = await runH2load({
      url: `http://127.0.0.1:${port}${GREET_PATH}`,
      body: WIRE[wire].body,
      headers: WIRE[wire].headers,
      h1: WIRE[wire].h1,
      warmupSeconds: shape.warmupSeconds,
      seconds: shape.seconds,
      clients: shape.clients,
      ...(shape.streams === undefined ? {} : { streams: shape.streams }),
      onStart: (h2loadPid) => {
        sampler = new CpuSampler({
          server: () => procCpuMicros(child.pid),
          h2load: () => procCpuMicros(h2loadPid),
          core: () => coreBusyMicros(SUBJECT_CORE),
        });
        sampler.start();
      },
    }).finally(() => sampler?.stop());
    if (sampler === undefined) throw new Error("h2load did not start");
    const between = (key: "server" | "h2load" | "core"): number =>
      sampler!.between(key, h2.windowStartUs, h2.windowEndUs);
    const windowUs = h2.windowEndUs - h2.windowStartUs;
    const cpuUs = between("server");
    const foreignPercent = canPin() ? Math.max(0, ((between("core") - cpuUs) / windowUs) * 100) : undefined;
    const failedRequests = h2.failed + h2.errored + h2.non2xx;
    const notes = [
      ...(failedRequests > 0 ? [`${failedRequests} requests failed or were not 2xx`] : []),
      ...(foreignPercent !== undefined && foreignPercent > NOISE_PERCENT
        ? [`noisy: core ${SUBJECT_CORE} was ${Math.round(foreignPercent)} % busy with other processes`]
        : []),
    ];
    progress(
      scope,
      `${Math.round(h2.reqPerSec)} req/s, ${failedRequests} failed${notes.length ? `; ${notes.join("; ")}` : ""}`,
    );
    return {
      ...base,
      outcome: failedRequests > 0 ? "failed" : "ok",
      ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
      reqPerSec: h2.reqPerSec,
      latency: h2.latency,
      cpuUsPerCall: cpuUs / h2.latency.count,
      cpuPercent: (cpuUs / windowUs) * 100,
      loadCpuPercent: (between("h2load") / windowUs) * 100,
      ...(foreignPercent === undefined ? {} : { foreignPercent }),
      failedRequests,
      command: h2.command,
    };
  } catch (error) {
    const skipped = error instanceof Unavailable;
    const note = (error as Error).message;
    progress(scope, `${skipped ? "skipped" : "FAILED"}: ${note}`);
    return { ...base, outcome: skipped ? "skipped" : "failed", note };
  } finally {
    await child.stop();
  }
}
