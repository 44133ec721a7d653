import type { Invoker } from "../directory/invoker.js";
import { indexBuffer, weightBuffer } from "./scratch.js";
import { effectiveWeight } from "./warmup.js";

/**
 * The selection shared by least active and shortest response: keep the endpoints with the lowest
 * score, then pick one of them by weighted random (uniform when their weights are equal or all 0).
 */
export function pickAmongTied(
  invokers: readonly Invoker[],
  score: (inv: Invoker) => number,
  now: number,
  random: () => number,
): Invoker {
  const n = invokers.length;
  const weights = weightBuffer(n);
  const tied = indexBuffer(n);
  let best = Number.POSITIVE_INFINITY;
  let count = 0;
  let total = 0;
  let first = 0;
  let same = true;
  for (let i = 0; i < n; i++) {
    const inv = invokers[i];
    const s = score(inv);
    const w = effectiveWeight(inv, now);
    weights[i] = w;
    if (s < best) {
      best = s;
      count = 1;
      tied[0] = i;
      total = w;
      first = w;
      same = true;
    } else if (s === best) {
      tied[count++] = i;
      total += w;
      if (same && w !== first) same = false;
    }
  }
  if (count === 1) return invokers[tied[0]];
  if (!same && total > 0) {
    let offset = random() * total;
    for (let k = 0; k < count; k++) {
      const i = tied[k];
      offset -= weights[i];
      if (offset < 0) return invokers[i];
    }
  }
  return invokers[tied[Math.floor(random() * count)]];
}
