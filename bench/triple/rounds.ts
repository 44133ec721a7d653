// Rounds for every part of the triple suite (servers and clients): targets measured round-robin,
// the order reversed every other round, and per target the median round kept.

/** How many rounds each part runs (BENCH_ROUNDS, default 1): see interleaveRounds. */
export function benchRounds(): number {
  const raw = process.env.BENCH_ROUNDS ?? "1";
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`BENCH_ROUNDS must be an integer >= 1, got "${raw}"`);
  return value;
}

/** What a round is ranked by when the median is picked, e.g. req/s of a server. */
export interface RoundMetric<R> {
  name: string;
  of(row: R): number | undefined;
}

interface RoundRow {
  name: string;
  outcome: "ok" | "skipped" | "failed";
  note?: string;
}

/**
 * Measures every target `rounds` times, round-robin, the order reversed every other round, and keeps
 * per target the round with the median `metric`. The speed of a shared (or burstable) machine drifts
 * over tens of seconds, and the first run after an idle spell is the fastest: one run per target in
 * a fixed order hands that drift to whoever runs first, round-robin spreads it over all of them.
 */
export async function interleaveRounds<T extends { name: string }, R extends RoundRow>(
  targets: readonly T[],
  rounds: number,
  metric: RoundMetric<R>,
  measure: (target: T) => Promise<R>,
): Promise<R[]> {
  const runs = new Map<string, R[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) runs.get(target.name)?.push(await measure(target));
  }
  return targets.map((t) => medianRound(runs.get(t.name) ?? [], metric));
}

/** The median round by the metric; a failed round wins (it must not hide behind good ones). */
function medianRound<R extends RoundRow>(rows: readonly R[], metric: RoundMetric<R>): R {
  if (rows.length === 1) return rows[0];
  const failed = rows.find((r) => r.outcome === "failed");
  const ok = rows.filter((r) => r.outcome === "ok" && metric.of(r) !== undefined);
  const summary = `median of ${rows.length} rounds by ${metric.name} (${rows
    .map((r) => {
      const value = metric.of(r);
      return value === undefined ? r.outcome : value >= 100 ? String(Math.round(value)) : value.toFixed(1);
    })
    .join(", ")})`;
  const pick =
    failed ??
    (ok.length > 0
      ? [...ok].sort((a, b) => (metric.of(a) ?? 0) - (metric.of(b) ?? 0))[Math.floor((ok.length - 1) / 2)]
      : rows[rows.length - 1]);
  return { ...pick, note: pick.note === undefined ? summary : `${pick.note}; ${summary}` };
}
