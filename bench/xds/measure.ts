// Timing and heap accounting of one step. Two kinds of runs, because a forced GC changes what it
// measures: a full GC makes V8 throw away the decoders' optimized code ("weak objects" deopts, seen
// with --trace-deopt), so a run right after one is ~2.5x slower than a run in steady state.
// - hot runs: back to back, no forced GC, as a long-running client decodes update after update;
// - after-GC runs: each from a collected heap (global.gc), which is also what makes heap figures exact,
//   and what the first update after one of V8's own mark-compacts costs.

import { GCProfiler, getHeapStatistics } from "node:v8";

export interface HotSample {
  readonly ms: number;
  /**
   * CPU time of the whole process (all threads, GC helpers included) during the step. On a shared,
   * overloaded machine wall time grows with every runnable neighbour; CPU time much less so.
   */
  readonly cpuMs: number;
  /** GCs V8 ran inside the step, and their total cost (ms), which is part of `ms`. */
  readonly gcCount: number;
  readonly gcMs: number;
}

export interface AfterGcSample {
  readonly ms: number;
  /** Bytes allocated during the step: heap growth plus everything V8's GCs freed meanwhile. */
  readonly allocatedBytes: number;
  /** Heap in use after a full GC with the step's result held, minus the same before the step. */
  readonly retainedBytes: number;
}

export interface Summary {
  readonly runs: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

export interface StepStats {
  readonly ms: Summary;
  readonly cpuMs: Summary;
  readonly gcCount: Summary;
  readonly gcMs: Summary;
  readonly afterGcMs: Summary;
  readonly allocatedMiB: Summary;
  readonly retainedMiB: Summary;
}

/** A full, synchronous GC. Only with --expose-gc; the suite re-spawns itself with it when needed. */
export function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("global.gc is not exposed (run node with --expose-gc)");
  // Twice: the first pass may only run finalizers that free more on the second.
  gc();
  gc();
}

export function gcExposed(): boolean {
  return typeof (globalThis as { gc?: unknown }).gc === "function";
}

const usedHeap = (): number => getHeapStatistics().used_heap_size;

/** Runs `step` under the GC profiler; `gcs` is what V8 collected meanwhile. */
async function profiled<R>(step: () => R | Promise<R>) {
  const profiler = new GCProfiler();
  profiler.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await step();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const { statistics } = profiler.stop();
  let freed = 0;
  let gcMs = 0;
  for (const s of statistics) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    gcMs += s.cost / 1000; // µs
  }
  return { result, ms, cpuMs: (cpu.user + cpu.system) / 1000, gcCount: statistics.length, gcMs, freed };
}

/** One steady-state run; `step` may be async (the client path waits for its watchers). */
export async function measureHot<R>(step: () => R | Promise<R>): Promise<HotSample> {
  const { ms, cpuMs, gcCount, gcMs } = await profiled(step);
  return { ms, cpuMs, gcCount, gcMs };
}

/** One run from a collected heap; the step's result is held until its retained size is taken. */
export async function measureAfterGc<R>(step: () => R | Promise<R>): Promise<AfterGcSample> {
  collect();
  const before = usedHeap();
  const run = await profiled(step);
  const afterStep = usedHeap();
  collect();
  const retainedBytes = usedHeap() - before;
  keep(run.result);
  return { ms: run.ms, allocatedBytes: afterStep - before + run.freed, retainedBytes };
}

let sink = 0;
/** Keeps `value` reachable until here, so the retained size above includes it. */
function keep(value: unknown): void {
  if (value !== undefined) sink++;
}
export const keptResults = (): number => sink;

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) {
    return {
      runs: 0,
      median: Number.NaN,
      p25: Number.NaN,
      p75: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
    };
  }
  // Linear interpolation between closest ranks: stable for the small run counts used here.
  const q = (p: number): number => {
    const x = (n - 1) * p;
    const lo = Math.floor(x);
    const hi = Math.min(n - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (x - lo);
  };
  return { runs: n, median: q(0.5), p25: q(0.25), p75: q(0.75), min: s[0], max: s[n - 1] };
}

export function statsOf(hot: readonly HotSample[], afterGc: readonly AfterGcSample[]): StepStats {
  const mib = (b: number): number => b / 2 ** 20;
  return {
    ms: summarize(hot.map((s) => s.ms)),
    cpuMs: summarize(hot.map((s) => s.cpuMs)),
    gcCount: summarize(hot.map((s) => s.gcCount)),
    gcMs: summarize(hot.map((s) => s.gcMs)),
    afterGcMs: summarize(afterGc.map((s) => s.ms)),
    allocatedMiB: summarize(afterGc.map((s) => mib(s.allocatedBytes))),
    retainedMiB: summarize(afterGc.map((s) => mib(s.retainedBytes))),
  };
}
