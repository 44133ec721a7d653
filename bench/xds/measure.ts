// Timing and heap accounting of one step, repeated: warm-up runs first (V8 tiers the decoders up),
// then measured runs, each from a collected heap so that one run's garbage is not the next one's GC.

import { GCProfiler, getHeapStatistics } from "node:v8";

export interface StepSample {
  readonly ms: number;
  /**
   * CPU time of the whole process (all threads, GC helpers included) during the step. On a shared,
   * overloaded machine wall time grows with every runnable neighbour; CPU time much less so.
   */
  readonly cpuMs: number;
  /** Bytes allocated during the step: heap growth plus everything scavenged or collected meanwhile. */
  readonly allocatedBytes: number;
  /** Heap still in use after a full GC with the step's result held, minus the same before the step. */
  readonly retainedBytes: number;
  /** GCs V8 ran inside the step, and their total cost (ms), which is part of `ms`. */
  readonly gcCount: number;
  readonly gcMs: number;
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
  readonly allocatedMiB: Summary;
  readonly retainedMiB: Summary;
  readonly gcCount: Summary;
  readonly gcMs: Summary;
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

/**
 * Measures one run of a step. `step` returns what the step produced (held until the retained size is
 * taken, then released) and may be async (the client path waits for a watcher).
 */
export async function measureOnce<R>(step: () => R | Promise<R>): Promise<StepSample> {
  collect();
  const before = usedHeap();
  const profiler = new GCProfiler();
  profiler.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let result: R | undefined = await step();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const afterStep = usedHeap();
  const { statistics } = profiler.stop();
  let freed = 0;
  let gcMs = 0;
  for (const s of statistics) {
    freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
    gcMs += s.cost / 1000; // µs
  }
  collect();
  const retainedBytes = usedHeap() - before;
  keep(result);
  result = undefined;
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    allocatedBytes: afterStep - before + freed,
    retainedBytes,
    gcCount: statistics.length,
    gcMs,
  };
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
  if (n === 0)
    return {
      runs: 0,
      median: Number.NaN,
      p25: Number.NaN,
      p75: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
    };
  // Linear interpolation between closest ranks: stable for the small run counts used here.
  const q = (p: number): number => {
    const x = (n - 1) * p;
    const lo = Math.floor(x);
    const hi = Math.min(n - 1, lo + 1);
    return s[lo] + (s[hi] - s[lo]) * (x - lo);
  };
  return { runs: n, median: q(0.5), p25: q(0.25), p75: q(0.75), min: s[0], max: s[n - 1] };
}

export function statsOf(samples: readonly StepSample[]): StepStats {
  const mib = (b: number): number => b / 2 ** 20;
  return {
    ms: summarize(samples.map((s) => s.ms)),
    cpuMs: summarize(samples.map((s) => s.cpuMs)),
    allocatedMiB: summarize(samples.map((s) => mib(s.allocatedBytes))),
    retainedMiB: summarize(samples.map((s) => mib(s.retainedBytes))),
    gcCount: summarize(samples.map((s) => s.gcCount)),
    gcMs: summarize(samples.map((s) => s.gcMs)),
  };
}
