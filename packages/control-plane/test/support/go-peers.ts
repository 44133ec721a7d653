// Go peers for interop tests (grpc-go's xDS interop client and server, grpcurl): installed into the
// shared cache by their interop/go scripts, which print the binaries' paths last. Failure to install
// is an error with the reason, never a skip: a peer that cannot be had is a reported gap.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** Runs an interop/go install script and returns the last `count` lines it printed (the paths). */
export function installPeer(script: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile(
      "bash",
      [`${repoRoot}interop/go/${script}`],
      { maxBuffer: 16 * 1024 * 1024, timeout: 900_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`interop/go/${script} failed (needs Go and the module proxy): ${stderr}`));
        else resolve(stdout.trim().split("\n").slice(-count));
      },
    ),
  );
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export interface GoProcess {
  readonly process: ChildProcess;
  /** The last 8 KB of stdout+stderr, for assertion messages. */
  output(): string;
  kill(): Promise<void>;
}

/** Spawns a peer binary; it is killed when the test process exits, whatever happens. */
export function spawnPeer(bin: string, args: string[], env: Record<string, string> = {}): GoProcess {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  live.add(child);
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-8192);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((r) =>
    child.on("exit", () => {
      live.delete(child);
      r();
    }),
  );
  return {
    process: child,
    output: () => out,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Runs a binary to completion: exit code (grpcurl: 64 + the gRPC code on an RPC error) and output. */
export function runPeer(
  bin: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(bin, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    }),
  );
}
