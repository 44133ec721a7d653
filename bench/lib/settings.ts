// Knobs shared by every suite, read from the environment so a suite needs no CLI parser of its own.

function seconds(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number of seconds, got "${raw}"`);
  }
  return value;
}

/** Length of the measured window of each run (BENCH_SECONDS, default 8). */
export function measureSeconds(): number {
  return seconds("BENCH_SECONDS", 8);
}

/** Length of the warm-up before each measured window (BENCH_WARMUP, default 2): lets V8 tier up. */
export function warmupSeconds(): number {
  return seconds("BENCH_WARMUP", 2);
}

/**
 * Optional filter (BENCH_TARGETS=raw,ours): run only these targets of a suite, to re-measure one
 * implementation without paying for the whole suite.
 */
export function targetFilter(): (name: string) => boolean {
  const raw = process.env.BENCH_TARGETS;
  if (raw === undefined || raw.trim() === "") return () => true;
  const wanted = new Set(raw.split(",").map((s) => s.trim()));
  return (name) => wanted.has(name);
}

/** Optional filter (BENCH_PARTS=clients): run only these parts of a suite (the suite names its parts). */
export function partFilter(): (name: string) => boolean {
  const raw = process.env.BENCH_PARTS;
  if (raw === undefined || raw.trim() === "") return () => true;
  const wanted = new Set(raw.split(",").map((s) => s.trim()));
  return (name) => wanted.has(name);
}

/** How often a run disturbed by other processes is repeated, keeping the quietest (BENCH_RETRIES, default 0). */
export function noisyRetries(): number {
  const raw = process.env.BENCH_RETRIES ?? "0";
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`BENCH_RETRIES must be an integer >= 0, got "${raw}"`);
  return value;
}
