// Shared by the interop peers (interop/java/peer.ts, interop/go/xds-server.ts): what a peer process
// printed, line events on its stdout, and its exit code.
import type { ChildProcess } from "node:child_process";

/** Keep at most this much of a peer's output: enough for an error message, bounded for long runs. */
const OUTPUT_LIMIT = 256 * 1024;

export interface Collected {
  stdout(): string;
  stderr(): string;
  all(): string;
  onStdoutLine(listener: (line: string) => void): void;
}

export function collect(child: ChildProcess): Collected {
  let stdout = "";
  let stderr = "";
  let all = "";
  let partial = "";
  const listeners: Array<(line: string) => void> = [];
  const keep = (text: string) => (text.length > OUTPUT_LIMIT ? text.slice(-OUTPUT_LIMIT) : text);
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    stdout = keep(stdout + chunk);
    all = keep(all + chunk);
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) for (const listener of listeners) listener(line);
  });
  child.stderr?.on("data", (chunk: string) => {
    stderr = keep(stderr + chunk);
    all = keep(all + chunk);
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    all: () => all,
    onStdoutLine: (listener) => listeners.push(listener),
  };
}

/**
 * Resolves with the exit code (128 + signal number style for signals); on timeout calls `kill`
 * (the process, or its whole group for peers that fork).
 */
export function exitCode(
  child: ChildProcess,
  timeoutMs?: number,
  kill: () => void = () => child.kill("SIGKILL"),
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(kill, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal === "SIGKILL" ? 137 : 143));
    });
  });
}

export function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}
