// Client part: one fixed server (raw node:http2, the cheapest peer there is) on the subject core and
// each client alone in its own process on the load core, so the client is what saturates.

import { type NodeChild, spawnNodeChild, Unavailable } from "../lib/children.js";
import { coreBusyMicros, procCpuMicros } from "../lib/cpu.js";
import { NOISE_PERCENT, quietest } from "../lib/noise.js";
import type { LatencySummary } from "../lib/percentiles.js";
import { canPin, LOAD_CORE, SUBJECT_CORE } from "../lib/pinning.js";
import { progress } from "../lib/progress.js";
import type { LoadConfig, LoadResult } from "./clients/load-loop.js";
import { probeGrpc } from "./probe.js";
import { interleaveRounds } from "./rounds.js";

export interface ClientTarget {
  name: string;
  label: string;
  module: URL;
}

export interface ClientRow {
  name: string;
  label: string;
  outcome: "ok" | "skipped" | "failed";
  note?: string;
  callsPerSec?: number;
  latency?: LatencySummary;
  /** Client process CPU (process.cpuUsage in the client) per call completed in the window. */
  cpuUsPerCall?: number;
  /** The fixed server's CPU per call in the same window: what the client's framing costs the peer. */
  serverCpuUsPerCall?: number;
  errors?: number;
  /** Busy time of the server's and the client's cores not spent by them (shared-machine noise). */
  foreignPercent?: { serverCore: number; clientCore: number };
}

interface Counters {
  wallUs: number;
  server: number;
  serverCore: number;
  clientCore: number;
}

function readCounters(serverPid: number): Counters {
  return {
    wallUs: performance.now() * 1000,
    server: procCpuMicros(serverPid),
    serverCore: coreBusyMicros(SUBJECT_CORE),
    clientCore: coreBusyMicros(LOAD_CORE),
  };
}

/**
 * Every client against the same server process, `rounds` times interleaved (see interleaveRounds);
 * per client the round with the median client CPU per call is kept, the metric the table compares.
 */
export async function benchClients(
  server: URL,
  targets: readonly ClientTarget[],
  load: Omit<LoadConfig, "port">,
  retries: number,
  rounds: number,
): Promise<ClientRow[]> {
  progress("clients", "starting the fixed raw node:http2 server");
  const serverChild = spawnNodeChild(server, {}, SUBJECT_CORE);
  try {
    const { port } = await serverChild.next("listening", 30_000);
    await probeGrpc(port);
    return await interleaveRounds(targets, rounds, clientCpuMetric, (target) =>
      quietest(
        () => benchClient(target, serverChild, { ...load, port }),
        (r) =>
          r.foreignPercent ? Math.max(r.foreignPercent.serverCore, r.foreignPercent.clientCore) : undefined,
        retries,
        (noise) => progress(`client ${target.name}`, `${Math.round(noise)} % foreign load, running again`),
      ),
    );
  } finally {
    await serverChild.stop();
  }
}

const clientCpuMetric = { name: "client CPU µs/call", of: (r: ClientRow) => r.cpuUsPerCall };

async function benchClient(target: ClientTarget, server: NodeChild, config: LoadConfig): Promise<ClientRow> {
  const scope = `client ${target.name}`;
  const base = { name: target.name, label: target.label };
  progress(
    scope,
    `starting; ${config.concurrency} in flight, ${config.warmupSeconds}s warm-up + ${config.seconds}s`,
  );
  const child = spawnNodeChild(target.module, config, LOAD_CORE);
  try {
    await child.next("measure-start", (config.warmupSeconds + 30) * 1000);
    const start = readCounters(server.pid);
    progress(scope, "measuring");
    await child.next("measure-end", (config.seconds + 30) * 1000);
    const end = readCounters(server.pid);
    const { result } = await child.next("result", 30_000);
    const r = result as LoadResult;
    const windowUs = end.wallUs - start.wallUs;
    const serverCpu = end.server - start.server;
    const clientCpu = r.cpuUsPerCall * r.calls;
    const foreign = canPin()
      ? {
          serverCore: Math.max(0, ((end.serverCore - start.serverCore - serverCpu) / windowUs) * 100),
          clientCore: Math.max(0, ((end.clientCore - start.clientCore - clientCpu) / windowUs) * 100),
        }
      : undefined;
    const notes = [
      ...(r.firstError === undefined
        ? []
        : [`${r.errors} errors in the window; first error seen: ${r.firstError}`]),
      ...(foreign !== undefined && Math.max(foreign.serverCore, foreign.clientCore) > NOISE_PERCENT
        ? [
            `noisy: other processes used ${Math.round(foreign.serverCore)} % of core ${SUBJECT_CORE} (server) ` +
              `and ${Math.round(foreign.clientCore)} % of core ${LOAD_CORE} (client)`,
          ]
        : []),
    ];
    progress(
      scope,
      `${Math.round(r.callsPerSec)} calls/s, ${r.errors} errors${notes.length ? `; ${notes.join("; ")}` : ""}`,
    );
    return {
      ...base,
      outcome: r.errors > 0 || r.calls === 0 ? "failed" : "ok",
      ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
      callsPerSec: r.callsPerSec,
      latency: r.latency,
      cpuUsPerCall: r.cpuUsPerCall,
      serverCpuUsPerCall: serverCpu / r.calls,
      errors: r.errors,
      ...(foreign === undefined ? {} : { foreignPercent: foreign }),
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
