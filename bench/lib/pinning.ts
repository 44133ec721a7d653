// CPU pinning with taskset: on a 2-core box the load generator and the process under test must not
// share a core, or the numbers measure the scheduler rather than the code.

import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";

/** Core of the process under test (a server, or the fixed server of a client benchmark). */
export const SUBJECT_CORE = 0;
/** Core of the load generator (h2load, or the client under test). */
export const LOAD_CORE = 1;

let cached: boolean | undefined;

/** True when taskset exists and there are at least two cores to split. */
export function canPin(): boolean {
  if (cached === undefined) {
    cached = availableParallelism() >= 2 && tasksetWorks();
  }
  return cached;
}

function tasksetWorks(): boolean {
  try {
    execFileSync("taskset", ["-c", "0", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The command line that runs `command args` on `core` (taskset execs, so the pid stays the same). */
export function pinnedCommand(core: number, command: string, args: readonly string[]): [string, string[]] {
  return canPin() ? ["taskset", ["-c", String(core), command, ...args]] : [command, [...args]];
}
