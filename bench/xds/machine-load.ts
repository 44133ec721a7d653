// How busy the rest of the machine was while a step ran: busy time of every core minus our own CPU
// time. Nothing is pinned here (the ADS server, the client and V8's GC threads share one process), so
// on a shared box this figure is what tells a slow run from a slow neighbour.

import { availableParallelism } from "node:os";
import { coreBusyMicros, selfCpuMicros } from "../lib/cpu.js";

export interface LoadWindow {
  /** Ends the window; returns the foreign load in % of all cores (NaN where /proc/stat is missing). */
  stop(): number;
}

function allCoresBusy(cores: number): number {
  let sum = 0;
  for (let c = 0; c < cores; c++) sum += coreBusyMicros(c);
  return sum;
}

export function startLoadWindow(): LoadWindow {
  const cores = availableParallelism();
  const busy0 = allCoresBusy(cores);
  const self0 = selfCpuMicros();
  const wall0 = performance.now();
  return {
    stop() {
      const wallUs = (performance.now() - wall0) * 1000;
      const foreign = allCoresBusy(cores) - busy0 - (selfCpuMicros() - self0);
      return Math.max(0, (foreign / (wallUs * cores)) * 100);
    },
  };
}
