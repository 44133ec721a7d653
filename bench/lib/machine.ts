// Where a number was measured: results are meaningless without the machine and runtime next to them.

import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, release, totalmem } from "node:os";
import { canPin } from "./pinning.js";

export interface MachineInfo {
  model: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  v8: string;
  h2load: string | null;
  pinned: boolean;
  date: string;
}

export function machineInfo(): MachineInfo {
  return {
    model: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
    v8: process.versions.v8,
    h2load: h2loadVersion(),
    pinned: canPin(),
    date: new Date().toISOString(),
  };
}

function h2loadVersion(): string | null {
  try {
    return execFileSync("h2load", ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

export function describeMachine(m: MachineInfo): string {
  const pin = m.pinned ? "subject pinned to core 0, load to core 1" : "no CPU pinning";
  return `${m.model}, ${m.cores} cores, ${m.os}, Node ${m.node}, ${m.h2load ?? "h2load n/a"}; ${pin}; ${m.date}`;
}
