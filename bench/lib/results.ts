// Results as JSON next to the code (bench/results/<suite>.json) so that runs can be compared later.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { type MachineInfo, machineInfo } from "./machine.js";

const resultsDir = new URL("../results/", import.meta.url);

export interface SuiteResults {
  suite: string;
  machine: MachineInfo;
  settings: Record<string, unknown>;
  results: Record<string, unknown>;
}

/** Writes bench/results/<suite>.json and returns its path. */
export function writeResults(
  suite: string,
  settings: Record<string, unknown>,
  results: Record<string, unknown>,
  machine: MachineInfo = machineInfo(),
): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = new URL(`${suite}.json`, resultsDir);
  const doc: SuiteResults = { suite, machine, settings, results };
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`);
  return file.pathname;
}

/** The results a previous run wrote, to merge a partial run into (undefined if none or unreadable). */
export function readResults(suite: string): SuiteResults | undefined {
  const file = new URL(`${suite}.json`, resultsDir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as SuiteResults;
  } catch {
    return undefined;
  }
}
