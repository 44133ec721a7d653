// Test helper: builds and runs the Dubbo Java interop peer (see README.md beside this file).
// node: APIs only, so any package's tests can import it without extra dependencies.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { collect, exitCode, tail } from "../child-output.js";

const here = dirname(fileURLToPath(import.meta.url));
const buildScript = join(here, "build.sh");

/** A cold build downloads Dubbo from Maven Central; a cached one returns at once. */
const BUILD_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 120_000;
const CONSUMER_TIMEOUT_MS = 120_000;
/** Dubbo's shutdown hook needs ~1 s; past this the process group is killed outright. */
const STOP_GRACE_MS = 10_000;
/** Output kept per process: enough for a failure report, bounded for long-running providers. */
/** Halves JVM start-up on a 2-core machine; throughput does not matter for interop tests. */
const DEFAULT_JVM_ARGS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m"];

export type RegisterMode = "interface" | "instance" | "all";
export type JavaCallKind =
  | "unary"
  | "server-stream"
  | "client-stream"
  | "bidi"
  | "demo-hello"
  | "demo-user"
  | "demo-order"
  | "demo-error"
  | "generic-hello"
  | "generic-user";

export interface JavaProviderOptions {
  /** Triple port; a free one is picked when omitted. */
  port?: number;
  group?: string;
  version?: string;
  /** e.g. "zookeeper://127.0.0.1:2181"; without it the provider uses no registry. */
  registry?: string;
  registerMode?: RegisterMode;
  /** Dubbo application name (default "java-provider"). */
  app?: string;
  /** Also export DemoService over the dubbo protocol: a port, or true to pick a free one. */
  dubboPort?: number | true;
  /**
   * Bind and registered address (non-loopback). Without it the peer binds 0.0.0.0 and registers
   * 127.0.0.1, so registry-driven tests stay on loopback.
   */
  host?: string;
  jvmArgs?: string[];
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

export interface JavaProvider {
  port: number;
  dubboPort?: number;
  pid: number;
  /** SIGTERM to the process group, SIGKILL after a grace period; resolves once it has exited. */
  stop(): Promise<void>;
  /** Everything the process wrote so far (stdout and stderr, interleaved). */
  output(): string;
}

export interface JavaConsumerOptions {
  /** "tri://127.0.0.1:P" (or "dubbo://…" for DemoService calls); or give port. */
  url?: string;
  port?: number;
  group?: string;
  version?: string;
  registry?: string;
  /** Which registry layout to read: interface-level, application-level or both. */
  discovery?: RegisterMode;
  name?: string;
  /** Requests of the client-stream and bidi calls (default `<name>-1,<name>-2,<name>-3`). */
  names?: string[];
  calls?: JavaCallKind[];
  /** Per-call timeout inside the consumer (default 5000). */
  callTimeoutMs?: number;
  /** URL for DemoService calls when it differs from url (e.g. the dubbo protocol port). */
  demoUrl?: string;
  /** Protocol of the DemoService reference when it goes through the registry (Dubbo reads it from the URL otherwise). */
  demoProtocol?: "dubbo" | "tri";
  app?: string;
  jvmArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Kills the consumer if it has not exited by then. */
  processTimeoutMs?: number;
}

export interface JavaConsumerResult {
  code: number;
  results: Array<Record<string, unknown>>;
  stderr: string;
}

/** True when java and mvn are on PATH, so tests can skip with a reason instead of failing. */
export function hasJavaToolchain(): boolean {
  return ["java", "mvn"].every((tool) => spawnSync(tool, ["-version"], { stdio: "ignore" }).status === 0);
}

let jarPromise: Promise<string> | undefined;

/** Builds the jar once per process (build.sh itself caches across processes) and returns its path. */
export function ensureJavaPeerJar(): Promise<string> {
  jarPromise ??= buildJar().catch((error: unknown) => {
    jarPromise = undefined; // let a later caller retry, e.g. after a network hiccup
    throw error;
  });
  return jarPromise;
}

async function buildJar(): Promise<string> {
  const child = spawn("bash", [buildScript], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  const out = collect(child);
  const code = await exitCode(child, BUILD_TIMEOUT_MS, () => killGroup(child, "SIGKILL"));
  const lines = out.stdout().trim().split("\n");
  const jar = lines[lines.length - 1]?.trim() ?? "";
  if (code !== 0 || !jar.endsWith(".jar")) {
    throw new Error(`interop/java/build.sh failed (exit ${code}):\n${tail(out.stderr())}`);
  }
  return jar;
}

/** A port that was free a moment ago (bind port 0, read it, release it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startJavaProvider(opts: JavaProviderOptions = {}): Promise<JavaProvider> {
  const jar = await ensureJavaPeerJar();
  // A picked port can be taken between our probe and Java's bind: retry such starts.
  const picked = opts.port === undefined || opts.dubboPort === true;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProviderOnce(jar, {
        ...opts,
        port: opts.port ?? (await freePort()),
        dubboPort: opts.dubboPort === true ? await freePort() : opts.dubboPort,
      });
    } catch (error) {
      const portClash = error instanceof Error && /BindException|Address already in use/.test(error.message);
      if (!picked || !portClash || attempt >= 3) throw error;
    }
  }
}

async function startProviderOnce(
  jar: string,
  opts: JavaProviderOptions & { port: number; dubboPort?: number },
): Promise<JavaProvider> {
  const args = ["provider", "--port", String(opts.port)];
  pushFlag(args, "--group", opts.group);
  pushFlag(args, "--version", opts.version);
  pushFlag(args, "--registry", opts.registry);
  pushFlag(args, "--register-mode", opts.registerMode);
  pushFlag(args, "--app", opts.app);
  pushFlag(args, "--dubbo-port", opts.dubboPort);
  pushFlag(args, "--host", opts.host);

  const child = spawnJava(jar, args, opts.jvmArgs, opts.env);
  const out = collect(child);
  const exited = exitCode(child);
  const timeoutMs = opts.startTimeoutMs ?? START_TIMEOUT_MS;

  const ready = await new Promise<"listening" | "exited" | "timeout">((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), timeoutMs);
    out.onStdoutLine((line) => {
      if (line.includes("listening")) {
        clearTimeout(timer);
        resolve("listening");
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve("exited");
    });
  });

  const stop = () => stopGroup(child, exited);
  if (ready !== "listening") {
    await stop();
    const why =
      ready === "timeout"
        ? `did not print "listening" within ${timeoutMs} ms`
        : `exited with ${child.exitCode ?? child.signalCode}`;
    throw new Error(`java provider (${args.join(" ")}) ${why}; stderr tail:\n${tail(out.stderr())}`);
  }
  return {
    port: opts.port,
    dubboPort: opts.dubboPort,
    pid: child.pid ?? -1,
    stop,
    output: () => out.all(),
  };
}

export async function runJavaConsumer(opts: JavaConsumerOptions): Promise<JavaConsumerResult> {
  const jar = await ensureJavaPeerJar();
  const url = opts.url ?? (opts.port !== undefined ? `tri://127.0.0.1:${opts.port}` : undefined);
  if (url === undefined && opts.registry === undefined) {
    throw new Error("runJavaConsumer needs url, port or registry");
  }
  const args = ["consumer"];
  pushFlag(args, "--url", url);
  pushFlag(args, "--group", opts.group);
  pushFlag(args, "--version", opts.version);
  pushFlag(args, "--registry", opts.registry);
  pushFlag(args, "--discovery", opts.discovery);
  pushFlag(args, "--name", opts.name);
  pushFlag(args, "--names", opts.names?.join(","));
  pushFlag(args, "--calls", opts.calls?.join(","));
  pushFlag(args, "--timeout-ms", opts.callTimeoutMs);
  pushFlag(args, "--demo-url", opts.demoUrl);
  pushFlag(args, "--demo-protocol", opts.demoProtocol);
  pushFlag(args, "--app", opts.app);

  const child = spawnJava(jar, args, opts.jvmArgs, opts.env);
  const out = collect(child);
  const code = await exitCode(child, opts.processTimeoutMs ?? CONSUMER_TIMEOUT_MS, () =>
    killGroup(child, "SIGKILL"),
  );
  const results: Array<Record<string, unknown>> = [];
  for (const line of out.stdout().split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      results.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not one of ours: the peer prints only whole JSON lines, anything else is noise
    }
  }
  return { code, results, stderr: out.stderr() };
}

export interface HessianVectorInput {
  name: string;
  /** How many values the bytes hold (read one after another from one stream). */
  count: number;
  hex: string;
}

/** One line of `hessian-vectors`: Java's bytes and what it made of the values, or its error. */
export interface HessianVectorLine {
  name: string;
  hex?: string;
  /** Describe.java rendering of each value, e.g. `Long:5`, `java.util.ArrayList[Integer:1]`. */
  java?: string[];
  error?: string;
}

/**
 * `hessian-vectors encode`: hessian-lite writes the peer's own corpus (JavaCorpus.java).
 * `hessian-vectors decode`: hessian-lite reads each input and writes the values again.
 */
export async function runHessianVectors(
  mode: "encode" | "decode",
  input: readonly HessianVectorInput[] = [],
): Promise<HessianVectorLine[]> {
  const jar = await ensureJavaPeerJar();
  const child = spawn("java", [...DEFAULT_JVM_ARGS, "-jar", jar, "hessian-vectors", mode], {
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  const out = collectAll(child);
  child.stdin?.on("error", () => {}); // a JVM that died early: the exit code tells
  child.stdin?.end(input.map((v) => `${v.name}\t${v.count}\t${v.hex}\n`).join(""));
  const code = await exitCode(child, CONSUMER_TIMEOUT_MS, () => killGroup(child, "SIGKILL")).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
      throw new Error(
        "java is not on PATH: the Java interop tests need a JDK 17+ (Debian: openjdk-17-jdk-headless)",
      );
    },
  );
  if (code !== 0) throw new Error(`hessian-vectors ${mode} exited with ${code}:\n${tail(out.stderr())}`);
  return out
    .stdout()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as HessianVectorLine);
}

// ---- process plumbing ----

const live = new Set<ChildProcess>();

// A test run that ends (or crashes) must not leave JVMs behind holding ports.
process.once("exit", () => {
  for (const child of live) killGroup(child, "SIGKILL");
});

function spawnJava(
  jar: string,
  args: string[],
  jvmArgs = DEFAULT_JVM_ARGS,
  env?: NodeJS.ProcessEnv,
): ChildProcess {
  // detached: the JVM leads its own process group, so stop() can signal everything it started.
  const child = spawn("java", [...jvmArgs, "-jar", jar, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    env: { ...process.env, ...env },
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(child: ChildProcess, exited: Promise<number>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  killGroup(child, "SIGTERM");
  const timer = setTimeout(() => killGroup(child, "SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function collectAll(child: ChildProcess): { stdout(): string; stderr(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.setEncoding("utf8");
  child.stderr?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: string) => stderr.push(chunk));
  return { stdout: () => stdout.join(""), stderr: () => stderr.join("") };
}

function pushFlag(args: string[], flag: string, value: string | number | undefined): void {
  if (value !== undefined && value !== "") args.push(flag, String(value));
}
