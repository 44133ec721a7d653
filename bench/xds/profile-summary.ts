// Self time per function of a V8 CPU profile, the first thing to read when a step is slow. Samples
// V8 spends collecting garbage show up as "(garbage collector)", not under the code that allocated.

import type { Profiler } from "node:inspector";

export interface HotSpot {
  readonly ms: number;
  readonly percent: number;
  /** `function path:line`, with the path shortened to the package or node_modules part. */
  readonly where: string;
}

function where(frame: Profiler.ProfileNode["callFrame"]): string {
  const url = frame.url.replace(/^.*?\/(node_modules|packages|bench)\//, "$1/");
  return `${frame.functionName || "(anonymous)"} ${url}:${frame.lineNumber + 1}`;
}

export function hotSpots(profile: Profiler.Profile, top: number): HotSpot[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = deltas[i] ?? 0;
    if (node === undefined) return;
    const key = where(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, us]) => ({ ms: us / 1000, percent: (us / total) * 100, where: key }));
}
