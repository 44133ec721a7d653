// Starting and stopping the processes of a benchmark. Every child is registered so that an exit,
// an exception or Ctrl-C of the suite kills them all: a stray server would skew the next run.

import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type ChildMessage, parseMessage } from "./child-protocol.js";
import { pinnedCommand } from "./pinning.js";

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
}

process.on("exit", killAll);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}

/** Spawns a command, registered for cleanup; stdin is a pipe whose end tells a guarded child to exit. */
export function spawnTracked(command: string, args: readonly string[], core?: number): ChildProcess {
  const [cmd, argv] = core === undefined ? [command, [...args]] : pinnedCommand(core, command, args);
  const child = spawn(cmd, argv, { stdio: ["pipe", "pipe", "inherit"] });
  live.add(child);
  child.on("exit", () => live.delete(child));
  return child;
}

/** A TypeScript module of ours running in its own Node process (through tsx, like the suite). */
export interface NodeChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves with the next message matching `event`; rejects if the child exits first or on timeout. */
  next<E extends ChildMessage["event"]>(
    event: E,
    timeoutMs: number,
  ): Promise<Extract<ChildMessage, { event: E }>>;
  stop(): Promise<void>;
}

export function spawnNodeChild(moduleUrl: URL, config: unknown, core?: number): NodeChild {
  const args = ["--import", "tsx", "--conditions=source", fileURLToPath(moduleUrl), JSON.stringify(config)];
  const child = spawnTracked(process.execPath, args, core);
  const queue: ChildMessage[] = [];
  const waiters: (() => void)[] = [];
  let exited = false;
  const wake = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const message = parseMessage(line);
    if (message) queue.push(message);
    else process.stderr.write(`child ${child.pid} stdout: ${line}\n`);
    wake();
  });
  child.on("exit", () => {
    exited = true;
    wake();
  });

  return {
    process: child,
    pid: child.pid ?? -1,
    async next(event, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const i = queue.findIndex((m) => m.event === event || m.event === "unavailable");
        if (i >= 0) {
          const message = queue.splice(i, 1)[0];
          if (message.event === "unavailable") throw new Unavailable(message.reason);
          return message as Extract<ChildMessage, { event: typeof event }>;
        }
        if (exited) throw new Error(`child exited (code ${child.exitCode}) before "${event}"`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for "${event}"`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
    stop: () => stopChild(child),
  };
}

/** Closes stdin (a guarded child exits by itself), then SIGTERM, then SIGKILL. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const term = setTimeout(() => child.kill("SIGTERM"), 1000);
    const kill = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(term);
      clearTimeout(kill);
      resolve();
    });
    child.stdin?.end();
  });
}

/** A child reported that its target cannot run here (e.g. an API that does not exist yet). */
export class Unavailable extends Error {}
