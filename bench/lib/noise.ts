// Shared-machine noise: other processes on a pinned core slow the process under test down, never
// speed it up. A run whose core was busy with foreign work can be repeated and the quietest kept.

/** Foreign load (% of the pinned core) above which a run is reported as noisy. */
export const NOISE_PERCENT = 10;

/**
 * Runs `attempt` until its noise is at most NOISE_PERCENT or `retries` repeats are used up, and
 * returns the quietest run. A run without a noise figure (failed, skipped, unpinned) is final.
 */
export async function quietest<T>(
  attempt: () => Promise<T>,
  noiseOf: (run: T) => number | undefined,
  retries: number,
  onRetry: (noise: number) => void,
): Promise<T> {
  let best = await attempt();
  for (let left = retries; left > 0; left--) {
    const noise = noiseOf(best);
    if (noise === undefined || noise <= NOISE_PERCENT) break;
    onRetry(noise);
    const next = await attempt();
    const nextNoise = noiseOf(next);
    if (nextNoise !== undefined && nextNoise < noise) best = next;
  }
  return best;
}
