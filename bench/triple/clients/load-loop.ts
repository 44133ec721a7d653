// Closed-loop load from inside a client process: `concurrency` calls always in flight, a warm-up,
// then a measured window in which completed calls, their latencies and our own CPU time are counted.
// The parent is told when the window opens and closes so it can read the server's CPU at the same
// instants.

import { childConfig, guardChild } from "../../lib/child-guard.js";
import { send } from "../../lib/child-protocol.js";
import { selfCpuMicros } from "../../lib/cpu.js";
import { type LatencySummary, summarizeMicros } from "../../lib/percentiles.js";
import { EXPECTED_GREETING } from "../greet.js";

export interface LoadConfig {
  port: number;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  calls: number;
  errors: number;
  firstError?: string;
  seconds: number;
  callsPerSec: number;
  /** Our CPU time (user + system) over the window divided by the calls completed in it. */
  cpuUsPerCall: number;
  latency: LatencySummary;
}

/** One unary Greet call; resolves with the greeting the server sent. */
export type Call = () => Promise<string>;

/** The common body of every client process: read config, build the call, run, report, exit. */
export async function clientMain(
  makeCall: (config: LoadConfig) => Promise<Call | { unavailable: string }>,
): Promise<void> {
  guardChild(900);
  const config = childConfig() as LoadConfig;
  const call = await makeCall(config);
  if (typeof call !== "function") {
    send({ event: "unavailable", reason: call.unavailable });
    process.exit(0);
  }
  const result = await runLoad(call, config);
  send({ event: "result", result });
  // Exit without closing sessions gracefully: teardown is not part of the measurement.
  process.exit(0);
}

export async function runLoad(call: Call, config: LoadConfig): Promise<LoadResult> {
  let phase: "warm-up" | "measure" | "done" = "warm-up";
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let cpuStart = 0;
  let cpuEnd = 0;
  let wallStart = 0;
  let wallEnd = 0;

  const worker = async (): Promise<void> => {
    while (phase !== "done") {
      const t0 = performance.now();
      try {
        const greeting = await call();
        if (greeting !== EXPECTED_GREETING)
          throw new Error(`unexpected greeting ${JSON.stringify(greeting)}`);
        if (phase === "measure") latencies.push((performance.now() - t0) * 1000);
      } catch (error) {
        if (phase === "measure") errors++;
        firstError ??= error instanceof Error ? error.message : String(error);
        // A call that fails without I/O would otherwise spin on microtasks and starve the timers.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  };

  const measured = new Promise<void>((resolve) => {
    setTimeout(() => {
      phase = "measure";
      cpuStart = selfCpuMicros();
      wallStart = performance.now();
      send({ event: "measure-start" });
      setTimeout(() => {
        phase = "done";
        cpuEnd = selfCpuMicros();
        wallEnd = performance.now();
        send({ event: "measure-end" });
        resolve();
      }, config.seconds * 1000);
    }, config.warmupSeconds * 1000);
  });

  const workers = Array.from({ length: config.concurrency }, worker);
  await measured;
  // Let calls in flight settle (they are not counted); a stuck peer must not hang the run.
  await Promise.race([Promise.all(workers), new Promise((resolve) => setTimeout(resolve, 5000))]);

  const seconds = (wallEnd - wallStart) / 1000;
  const calls = latencies.length;
  return {
    calls,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds,
    callsPerSec: calls / seconds,
    cpuUsPerCall: (cpuEnd - cpuStart) / calls,
    latency: summarizeMicros(Float64Array.from(latencies)),
  };
}
