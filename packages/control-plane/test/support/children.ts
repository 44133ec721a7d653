// Starting the test's child processes (grpc-js-xds clients, workloads) and reading their JSON lines.
// Every child is killed when the test process exits, whatever happens.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export interface Child {
  readonly process: ChildProcess;
  readonly lines: Record<string, unknown>[];
  /** Resolves with the first line whose `event` is `event`. */
  waitFor(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

export function spawnChild(script: string, arg: unknown): Child {
  const file = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=source", file, JSON.stringify(arg)],
    {
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  live.add(child);
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      stderr += `${line}\n`;
    }
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      live.delete(child);
      for (const w of waiters.splice(0)) w();
      resolve(code);
    }),
  );
  return {
    process: child,
    lines,
    exited,
    kill: (signal = "SIGKILL") => child.kill(signal),
    async waitFor(event, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find((l) => l.event === event);
        if (found !== undefined) return found;
        if (child.exitCode !== null)
          throw new Error(`child exited (${child.exitCode}) before "${event}":\n${stderr}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`timed out waiting for "${event}":\n${stderr}`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          waiters.push(() => {
            clearTimeout(t);
            r();
          });
        });
      }
    },
  };
}
