// Finds (installing when needed) the grpcurl binary. interop/go/install-grpcurl.sh is the one way to
// install it; when that script is missing we fall back to `go install` into the same cache. Failure is
// an error with the reason, never a skip: a peer that cannot be had is a reported gap.
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url));
const installScript = join(repoRoot, "interop/go/install-grpcurl.sh");
/** The version the install script pins, used when the script is missing. */
const fallbackVersion = process.env.GRPCURL_VERSION ?? "v1.9.4";

function run(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { env: env ?? process.env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`${cmd} ${args.join(" ")} failed: ${err.message}\n${stderr}`))
        : resolve({ stdout, stderr }),
    ),
  );
}

async function exists(path: string, mode = constants.F_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

let found: Promise<string> | undefined;

/** Returns the path of a runnable grpcurl, installing it first if it is not in the cache (once per process). */
export function grpcurlPath(): Promise<string> {
  found ??= locate();
  return found;
}

async function locate(): Promise<string> {
  try {
    if (await exists(installScript)) {
      const { stdout } = await run("bash", [installScript]);
      const path = stdout.trim().split("\n").at(-1) ?? "";
      if (!(await exists(path, constants.X_OK)))
        throw new Error(`the script printed "${path}", which is not executable`);
      return path;
    }
    const bin = join(process.env.DUBBO_MESH_CACHE ?? join(homedir(), ".cache", "dubbo-mesh"), "bin");
    const path = join(bin, "grpcurl");
    if (await exists(path, constants.X_OK)) return path;
    await run("go", ["install", `github.com/fullstorydev/grpcurl/cmd/grpcurl@${fallbackVersion}`], {
      ...process.env,
      GOBIN: bin,
      GOFLAGS: "-mod=mod",
      GOWORK: "off",
    });
    return path;
  } catch (e) {
    throw new Error(
      `grpcurl is needed for these interop tests and could not be installed (needs Go 1.21+ and the Go module proxy): ${(e as Error).message}`,
    );
  }
}

export interface GrpcurlResult {
  /** Exit code (0 on success; grpcurl exits with 64 + the gRPC code on an RPC error). */
  code: number;
  stdout: string;
  stderr: string;
}

export function grpcurl(bin: string, args: string[]): Promise<GrpcurlResult> {
  return new Promise((resolve) =>
    execFile(bin, ["-max-time", "20", ...args], (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolve({ code, stdout, stderr });
    }),
  );
}
