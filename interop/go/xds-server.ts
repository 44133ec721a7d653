// Test helper: builds (build.sh) and runs the go-control-plane xDS server beside this file, the
// "any xDS control plane" peer of our xDS client, and drives it over its admin API (README.md).
// node: APIs only, so any package's tests can import it without extra dependencies.
import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { collect, exitCode, tail } from "../child-output.js";

const here = dirname(fileURLToPath(import.meta.url));
const buildScript = join(here, "build.sh");

/** A cold build downloads go-control-plane and compiles ~1 min of Go on 2 cores; a cached one is instant. */
const BUILD_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 60_000;
/** The server stops at once on SIGTERM; past this it is killed outright. */
const STOP_GRACE_MS = 5_000;
/** Output kept per process: enough for a failure report, bounded for chatty --verbose runs. */

/** An xDS node as the client sent it (protojson of envoy.config.core.v3.Node). */
export interface XdsNode {
  id?: string;
  cluster?: string;
  locality?: { region?: string; zone?: string; subZone?: string };
  metadata?: Record<string, unknown>;
  userAgentName?: string;
  userAgentVersion?: string;
  clientFeatures?: string[];
  [field: string]: unknown;
}

interface StreamFields {
  /** go-control-plane's stream id; sotw and delta streams are numbered separately. */
  streamId: number;
  /** An aggregated (ADS) stream, or one of the per-type discovery services. */
  ads: boolean;
  /** The id of the node the stream's first request named ("" if it named none). */
  nodeId: string;
  typeUrl: string;
}

interface RequestFields extends StreamFields {
  responseNonce: string;
  /** Set on a NACK: the status the client put in error_detail. */
  errorDetail: { code: number; message: string } | null;
  /** The node exactly as sent on this request: clients send it on a stream's first request only. */
  node: XdsNode | null;
}

/** A DiscoveryRequest received on a state-of-the-world stream. */
export interface SotwRequestRecord extends RequestFields {
  stream: "sotw";
  versionInfo: string;
  resourceNames: string[];
}

/** A DeltaDiscoveryRequest received on an incremental stream. */
export interface DeltaRequestRecord extends RequestFields {
  stream: "delta";
  subscribe: string[];
  unsubscribe: string[];
  initialResourceVersions: Record<string, string>;
}

export type XdsRequestRecord = SotwRequestRecord | DeltaRequestRecord;

/** A response the server sent, to tie a request's responseNonce to what it answers. */
export interface XdsResponseRecord extends StreamFields {
  stream: "sotw" | "delta";
  /** version_info (sotw) or system_version_info (delta). */
  versionInfo: string;
  nonce: string;
  /** Names of the resources in the response. */
  resources: string[];
  /** Delta only: names the response removed. */
  removedResources: string[];
}

export interface GoXdsServerOptions {
  /** xDS port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** Admin HTTP port on 127.0.0.1; a free one is picked when omitted. */
  adminPort?: number;
  /** go-control-plane's ADS consistency mode: answer only once every named resource exists. */
  adsConsistent?: boolean;
  /** Log every request (to the output kept for failure reports). */
  verbose?: boolean;
}

export interface GoXdsServer {
  /** The xDS (ADS) port on 127.0.0.1; unchanged by restart(). */
  readonly port: number;
  readonly adminPort: number;
  /**
   * Sets the snapshot of one node id, or the default of every node without its own with "*".
   * Resources are Envoy protojson objects with "@type"; rejects with the server's message on a 400.
   */
  setSnapshot(node: string, version: string, resources: object[]): Promise<void>;
  /** Every request of the node ("*": of all nodes) since this process started, in arrival order. */
  requests(node: string): Promise<XdsRequestRecord[]>;
  /** Every response sent to the node ("*": to all nodes) since this process started. */
  responses(node: string): Promise<XdsResponseRecord[]>;
  /** Open ADS streams (sotw and delta). */
  connections(): Promise<number>;
  stop(): Promise<void>;
  /**
   * Kills the server and starts it again on the same ports with the last snapshot of each node
   * re-applied, so a test can watch its client reconnect. The request log starts empty again.
   */
  restart(): Promise<void>;
  /** Everything the current process wrote (stdout and stderr, interleaved). */
  output(): string;
}

let binaryPromise: Promise<string> | undefined;

/** Builds the server once per process (build.sh itself caches across processes); returns its path. */
export function ensureGoXdsServerBinary(): Promise<string> {
  binaryPromise ??= buildBinary().catch((error: unknown) => {
    binaryPromise = undefined; // let a later caller retry, e.g. after a registry hiccup
    throw error;
  });
  return binaryPromise;
}

async function buildBinary(): Promise<string> {
  const child = spawn("bash", [buildScript], { stdio: ["ignore", "pipe", "pipe"] });
  const out = collect(child);
  const code = await exitCode(child, BUILD_TIMEOUT_MS);
  const lines = out.stdout().trim().split("\n");
  const bin = lines[lines.length - 1]?.trim() ?? "";
  if (code !== 0 || !bin.endsWith("/xds-server")) {
    throw new Error(`interop/go/build.sh failed (exit ${code}):\n${tail(out.stderr())}`);
  }
  return bin;
}

export async function startGoXdsServer(opts: GoXdsServerOptions = {}): Promise<GoXdsServer> {
  const bin = await ensureGoXdsServerBinary();
  let current = await launch(bin, opts, opts.port ?? 0, opts.adminPort ?? 0);
  const { port, adminPort } = current;
  // The last snapshot per node, in the order first set, for restart() to re-apply.
  const snapshots = new Map<string, { version: string; resources: object[] }>();

  const admin = async (method: string, path: string, body?: string): Promise<string> => {
    const res = await httpRequest(method, adminPort, path, body);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`xds-server ${method} ${path}: HTTP ${res.status}: ${errorText(res.body)}`);
    }
    return res.body;
  };
  const putSnapshot = (node: string, version: string, resources: object[]) =>
    admin("PUT", `/snapshot?node=${encodeURIComponent(node)}`, JSON.stringify({ version, resources }));

  return {
    port,
    adminPort,
    async setSnapshot(node, version, resources) {
      await putSnapshot(node, version, resources);
      snapshots.set(node, { version, resources });
    },
    async requests(node) {
      return JSON.parse(
        await admin("GET", `/requests?node=${encodeURIComponent(node)}`),
      ) as XdsRequestRecord[];
    },
    async responses(node) {
      return JSON.parse(
        await admin("GET", `/responses?node=${encodeURIComponent(node)}`),
      ) as XdsResponseRecord[];
    },
    async connections() {
      return JSON.parse(await admin("GET", "/connections")) as number;
    },
    stop: () => current.stop(),
    async restart() {
      await current.stop();
      current = await launch(bin, opts, port, adminPort);
      for (const [node, snap] of snapshots) await putSnapshot(node, snap.version, snap.resources);
    },
    output: () => current.output(),
  };
}

interface Launched {
  port: number;
  adminPort: number;
  stop(): Promise<void>;
  output(): string;
}

/** Starts the binary and waits for its "listening" line; retries a start that lost a port race. */
async function launch(
  bin: string,
  opts: GoXdsServerOptions,
  port: number,
  adminPort: number,
): Promise<Launched> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchOnce(bin, opts, port, adminPort);
    } catch (error) {
      // After a restart the old process's ports may take a moment to be released.
      const busy = error instanceof Error && /address already in use/.test(error.message);
      if (!busy || attempt >= 5) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

async function launchOnce(
  bin: string,
  opts: GoXdsServerOptions,
  port: number,
  adminPort: number,
): Promise<Launched> {
  const args = ["--port", String(port), "--admin-port", String(adminPort)];
  if (opts.adsConsistent) args.push("--ads-consistent");
  if (opts.verbose) args.push("--verbose");
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  child.once("exit", () => live.delete(child));
  const out = collect(child);
  const exited = exitCode(child);

  const ready = await new Promise<{ port: number; adminPort: number } | "exited" | "timeout">((resolve) => {
    const timer = setTimeout(() => resolve("timeout"), START_TIMEOUT_MS);
    out.onStdoutLine((line) => {
      const m = /listening xds=(\d+) admin=(\d+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), adminPort: Number(m[2]) });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      resolve("exited");
    });
  });

  const stop = () => stopChild(child, exited);
  if (typeof ready === "string") {
    await stop();
    const why =
      ready === "timeout"
        ? `did not print "listening" within ${START_TIMEOUT_MS} ms`
        : `exited with ${child.exitCode ?? child.signalCode}`;
    throw new Error(`xds-server (${args.join(" ")}) ${why}; stderr tail:\n${tail(out.stderr())}`);
  }
  return { ...ready, stop, output: () => out.all() };
}

// ---- HTTP ----

/** The admin API answers errors as {"error": "..."}: surface the message itself. */
function errorText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (
      typeof parsed === "object" &&
      parsed !== null &&
      "error" in parsed &&
      typeof parsed.error === "string"
    ) {
      return parsed.error;
    }
  } catch {
    // not JSON: a proxy or a crash page, shown as it is
  }
  return body.trim();
}

/** One request to the admin API on loopback, without keep-alive so no socket outlives a test. */
function httpRequest(
  method: string,
  port: number,
  path: string,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        agent: false,
        headers: { "content-type": "application/json" },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

// ---- process plumbing ----

const live = new Set<ChildProcess>();

// A test run that ends (or crashes) must not leave servers behind holding ports.
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

async function stopChild(child: ChildProcess, exited: Promise<number>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
