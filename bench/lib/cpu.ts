// CPU time of a process: /proc/<pid>/stat for a child we drive from outside, process.cpuUsage for
// ourselves. CPU per call is the number that stays comparable when throughput is capped by the peer.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default (USER_HZ)
    }
  }
  return ticksPerSecond;
}

/** utime + stime of all threads of `pid` (GC and libuv threads included), in microseconds. */
export function procCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Field 2 (comm) may contain spaces and parentheses: count fields from the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 (utime) and 15 (stime) of the full line are 11 and 12 after "pid (comm)".
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / clockTicks();
}

/** Our own CPU time (user + system), in microseconds. */
export function selfCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Wall clock in microseconds since the epoch, the clock h2load stamps its request log with. */
export function wallMicros(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/**
 * Busy time of one core (everything but idle and iowait; steal counts as busy because the core was
 * not ours), in microseconds. Minus the pinned process's own CPU, it tells whether something else
 * ran on that core during a measurement — on a shared machine, the difference between a number and
 * noise.
 */
export function coreBusyMicros(core: number): number {
  const line = readFileSync("/proc/stat", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`cpu${core} `));
  if (line === undefined) return Number.NaN;
  // cpuN user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1e6) / clockTicks();
}

/**
 * Samples CPU counters on a timer so that the CPU spent inside a window known only afterwards
 * (h2load's measured phase, read from its request log) can be interpolated.
 */
export class CpuSampler<K extends string> {
  private readonly samples: { wallUs: number; values: Record<K, number> }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly counters: Record<K, () => number>,
    private readonly intervalMs = 100,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** How much counter `key` grew between two wall-clock instants (µs since the epoch). */
  between(key: K, fromWallUs: number, toWallUs: number): number {
    return this.valueAt(key, toWallUs) - this.valueAt(key, fromWallUs);
  }

  private sample(): void {
    const previous = this.samples.at(-1)?.values;
    const values = {} as Record<K, number>;
    for (const key of Object.keys(this.counters) as K[]) {
      try {
        values[key] = this.counters[key]();
      } catch {
        // The process has exited: its CPU time stops growing.
        values[key] = previous?.[key] ?? Number.NaN;
      }
    }
    this.samples.push({ wallUs: wallMicros(), values });
  }

  private valueAt(key: K, wallUs: number): number {
    const s = this.samples;
    if (s.length === 0) return Number.NaN;
    if (wallUs <= s[0].wallUs) return s[0].values[key];
    for (let i = 1; i < s.length; i++) {
      if (wallUs <= s[i].wallUs) {
        const a = s[i - 1];
        const b = s[i];
        const share = (wallUs - a.wallUs) / (b.wallUs - a.wallUs);
        return a.values[key] + (b.values[key] - a.values[key]) * share;
      }
    }
    return s[s.length - 1].values[key];
  }
}
