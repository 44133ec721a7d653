// Per-call cost of proxyless routing (issue #4): Greet calls through the SDK with an `xds:///` target
// (our control plane in the client process, route match + weighted cluster pick + round robin per call)
// against direct Triple calls to the same servers, and against the SDK over static discovery (to tell
// the xDS layer from the SDK's own).
//
// Four Triple servers of ours in one child (core 0), the client in another (core 1); the modes take
// turns in short windows so that a noisy neighbour hurts them alike; each mode's rate is its median.
// Then, in the client process, the same SDK clients over an in-memory transport: the xDS layer's own
// cost per call, much less exposed to a busy machine than req/s over loopback.

import { pathToFileURL } from "node:url";
import { ControlPlane } from "@dubbo-mesh/control-plane";
import { createApp, silentLogger, staticDiscovery, xdsMesh } from "@dubbo-mesh/dubbo";
import {
  createClient,
  createTransport,
  createTripleServer,
  Metadata,
  type Transport,
} from "@dubbo-mesh/triple";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { childConfig, guardChild } from "../lib/child-guard.js";
import { send } from "../lib/child-protocol.js";
import { spawnNodeChild } from "../lib/children.js";
import { selfCpuMicros } from "../lib/cpu.js";
import { LOAD_CORE, SUBJECT_CORE } from "../lib/pinning.js";
import { progress } from "../lib/progress.js";
import { measureSeconds, warmupSeconds } from "../lib/settings.js";
import { EXPECTED_GREETING, GreetService, greet, NAME } from "../triple/greet.js";

const SERVERS = 4;
const WINDOWS = 6;
const CONCURRENCY = 100;
const HOST = "greeter.bench.svc.cluster.local";
const SERVICE_PORT = 50051;
const TOKEN = "bench";

export type ProxylessMode = "direct" | "sdk-static" | "proxyless";
const MODES: readonly ProxylessMode[] = ["direct", "sdk-static", "proxyless"];

export interface ProxylessResult {
  readonly measured: true;
  readonly servers: number;
  readonly concurrency: number;
  readonly seconds: number;
  /** Median window, calls/s. */
  readonly callsPerSec: Readonly<Record<ProxylessMode, number>>;
  readonly clientCpuUsPerCall: Readonly<Record<ProxylessMode, number>>;
  readonly errors: Readonly<Record<ProxylessMode, number>>;
  /** proxyless / direct req/s (target >= 0.95). */
  readonly ratioToDirect: number;
  /**
   * direct / proxyless client CPU per call: the req/s ratio a client-bound run would show, and far
   * steadier than req/s when other processes share the machine's cores.
   */
  readonly cpuRatioToDirect: number;
  /** proxyless / sdk-static req/s: what the xDS layer costs on top of the SDK. */
  readonly ratioToSdkStatic: number;
  /** In-memory transport: what the SDK and its xDS layer cost per call, without the wire. */
  readonly layers: LayerCosts;
}

interface ClientConfig {
  role: "proxyless-client";
  ports: number[];
  seconds: number;
  warmup: number;
}

/** The SDK's own cost per call without a wire (median window, ns). */
export interface LayerCosts {
  readonly sdkStaticNs: number;
  readonly proxylessNs: number;
}

interface WindowResult {
  mode: ProxylessMode;
  calls: number;
  errors: number;
  firstError?: string;
  callsPerSec: number;
  cpuUsPerCall: number;
}

async function serversMain(): Promise<void> {
  guardChild(900);
  const ports: number[] = [];
  for (let i = 0; i < SERVERS; i++) {
    const server = createTripleServer();
    server.register(GreetService, { greet: (req) => ({ greeting: greet(req.name) }) });
    ports.push((await server.listen({ host: "127.0.0.1", port: 0 })).port);
  }
  send({ event: "result", result: { ports } });
}

/** A ServiceEntry naming the servers: the control plane turns it into LDS/RDS/CDS/EDS for HOST. */
function serviceEntry(ports: readonly number[]): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: greeter, namespace: bench}
spec:
  hosts: [${HOST}]
  ports: [{number: ${SERVICE_PORT}, name: grpc, protocol: GRPC}]
  resolution: STATIC
  endpoints:
${ports.map((p) => `  - {address: 127.0.0.1, ports: {grpc: ${p}}}`).join("\n")}
`;
}

async function clientMain(cfg: ClientConfig): Promise<void> {
  guardChild(900);
  const cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 20, maxMs: 500 } });
  const cpPort = (await cp.start()).port;
  const res = await fetch(`http://127.0.0.1:${cpPort}/api/v1/serviceentries/bench/greeter`, {
    method: "PUT",
    body: serviceEntry(cfg.ports),
    headers: { "content-type": "application/yaml", authorization: `Bearer ${TOKEN}` },
  });
  if (res.status >= 300) throw new Error(`ServiceEntry rejected: ${await res.text()}`);
  const lean = { logger: silentLogger, metrics: false, tracing: false } as const;
  const meshApp = createApp({
    name: "bench-proxyless",
    ...lean,
    mesh: {
      mode: "proxyless",
      adapter: xdsMesh({
        xdsServer: `127.0.0.1:${cpPort}`,
        node: { id: "proxyless~127.0.0.1~bench.bench~bench.svc.cluster.local", namespace: "bench" },
        logger: silentLogger,
      }),
    },
  });
  const proxyless = meshApp.client(GreetService, { target: `xds:///${HOST}:${SERVICE_PORT}` });
  const staticApp = createApp({
    name: "bench-static",
    ...lean,
    discovery: staticDiscovery({ "greet.v1.GreetService": cfg.ports.map((p) => `tri://127.0.0.1:${p}`) }),
  });
  const sdkStatic = staticApp.client(GreetService, { loadbalance: "roundrobin", retries: 0, timeout: 0 });
  const direct = cfg.ports.map((port) =>
    createClient(GreetService, createTransport({ baseUrl: `http://127.0.0.1:${port}` })),
  );
  let turn = 0;
  const req = { name: NAME };
  const calls: Record<ProxylessMode, () => Promise<string>> = {
    direct: async () => (await direct[turn++ % SERVERS].greet(req)).greeting,
    "sdk-static": async () => (await sdkStatic.greet(req)).greeting,
    proxyless: async () => (await proxyless.greet(req)).greeting,
  };
  // The xDS configuration must be complete (all four endpoints) before anything is measured.
  const deadline = Date.now() + 30_000;
  while (cp.registry.snapshot().instances.length < SERVERS || !(await answers(calls.proxyless))) {
    if (Date.now() > deadline) throw new Error("the proxyless client got no complete configuration in 30 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  // Every server must be reachable through the mesh before anything is measured.
  const first = await Promise.all(Array.from({ length: SERVERS * 4 }, () => calls.proxyless()));
  if (first.some((g) => g !== EXPECTED_GREETING)) throw new Error(`unexpected greetings ${first}`);
  for (const mode of MODES) await window(mode, calls[mode], cfg.warmup / MODES.length);
  const results: WindowResult[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    const order = MODES.map((_, i) => MODES[(i + w) % MODES.length]);
    for (const mode of order) results.push(await window(mode, calls[mode], cfg.seconds / WINDOWS));
  }
  const layers = await layerCosts(cpPort, cfg.ports, cfg.seconds);
  send({ event: "result", result: { windows: results, layers } });
  await meshApp.stop({ unregisterWaitMs: 0, drainMs: 100 });
  await staticApp.stop({ unregisterWaitMs: 0, drainMs: 100 });
  await closeSharedXdsClients();
  await cp.close();
  process.exit(0);
}

const inMemoryResponse = {
  stream: false as const,
  header: new Metadata(),
  message: { $typeName: "greet.v1.GreetResponse", greeting: EXPECTED_GREETING },
  trailer: new Metadata(),
};

/** Answers every unary call at once: no wire, so only the SDK's own layers are measured. */
const inMemory: Transport = {
  unary: () => Promise.resolve(inMemoryResponse),
  stream: () => Promise.reject(new Error("unary only")),
  close: async () => {},
};

/** ns per call of the SDK over static discovery and over the xds:/// target, in-memory transport. */
async function layerCosts(cpPort: number, ports: readonly number[], seconds: number): Promise<LayerCosts> {
  const common = {
    logger: silentLogger,
    metrics: false,
    tracing: false,
    transportFactory: () => inMemory,
  } as const;
  const meshApp = createApp({
    name: "layers-proxyless",
    ...common,
    mesh: {
      mode: "proxyless",
      adapter: xdsMesh({
        xdsServer: `127.0.0.1:${cpPort}`,
        node: { id: "proxyless~127.0.0.1~layers.bench~bench.svc.cluster.local", namespace: "bench" },
        logger: silentLogger,
      }),
    },
  });
  const proxyless = meshApp.client(GreetService, { target: `xds:///${HOST}:${SERVICE_PORT}` });
  const staticApp = createApp({
    name: "layers-static",
    ...common,
    discovery: staticDiscovery({ "greet.v1.GreetService": ports.map((p) => `tri://127.0.0.1:${p}`) }),
  });
  const sdkStatic = staticApp.client(GreetService, { loadbalance: "roundrobin", retries: 0, timeout: 0 });
  const req = { name: NAME };
  await proxyless.greet(req);
  const batch = async (call: () => Promise<unknown>, ms: number): Promise<number> => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      const ps: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++) ps.push(call());
      await Promise.all(ps);
      n += 100;
    }
    return ((performance.now() - t0) * 1e6) / n;
  };
  const s: number[] = [];
  const x: number[] = [];
  await batch(() => sdkStatic.greet(req), 300);
  await batch(() => proxyless.greet(req), 300);
  for (let w = 0; w < WINDOWS; w++) {
    s.push(await batch(() => sdkStatic.greet(req), (seconds * 500) / WINDOWS));
    x.push(await batch(() => proxyless.greet(req), (seconds * 500) / WINDOWS));
  }
  await meshApp.stop({ unregisterWaitMs: 0, drainMs: 0 });
  await staticApp.stop({ unregisterWaitMs: 0, drainMs: 0 });
  return { sdkStaticNs: median(s), proxylessNs: median(x) };
}

async function answers(call: () => Promise<string>): Promise<boolean> {
  try {
    return (await call()) === EXPECTED_GREETING;
  } catch {
    return false;
  }
}

async function window(
  mode: ProxylessMode,
  call: () => Promise<string>,
  seconds: number,
): Promise<WindowResult> {
  let running = true;
  let calls = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    while (running) {
      try {
        const greeting = await call();
        if (greeting !== EXPECTED_GREETING)
          throw new Error(`unexpected greeting ${JSON.stringify(greeting)}`);
        if (running) calls++;
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
        await new Promise((r) => setImmediate(r));
      }
    }
  };
  const cpu0 = selfCpuMicros();
  const t0 = performance.now();
  const workers = Array.from({ length: CONCURRENCY }, worker);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const done = calls;
  const t1 = performance.now();
  const cpu = selfCpuMicros() - cpu0;
  await Promise.all(workers);
  return {
    mode,
    calls: done,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    callsPerSec: done / ((t1 - t0) / 1000),
    cpuUsPerCall: cpu / Math.max(1, done),
  };
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const selfUrl = new URL(import.meta.url);

/** Runs the comparison (two pinned children) and summarizes it. */
export async function measureProxyless(): Promise<ProxylessResult> {
  const seconds = measureSeconds();
  const warmup = warmupSeconds();
  progress("xds", `proxyless per call: starting ${SERVERS} Triple servers`);
  const servers = spawnNodeChild(selfUrl, { role: "proxyless-servers" }, SUBJECT_CORE);
  let windows: WindowResult[];
  let layers: LayerCosts;
  try {
    const { ports } = (await servers.next("result", 60_000)).result as { ports: number[] };
    progress("xds", `proxyless per call: ${MODES.length} modes, ${seconds}s each + ${warmup}s warm-up`);
    const cfg: ClientConfig = { role: "proxyless-client", ports, seconds, warmup };
    const client = spawnNodeChild(selfUrl, cfg, LOAD_CORE);
    try {
      const result = (await client.next("result", (MODES.length * (seconds + warmup) * 2 + 120) * 1000))
        .result as { windows: WindowResult[]; layers: LayerCosts };
      windows = result.windows;
      layers = result.layers;
    } finally {
      await client.stop();
    }
  } finally {
    await servers.stop();
  }
  const of = (mode: ProxylessMode) => windows.filter((w) => w.mode === mode);
  const per = <T>(f: (mode: ProxylessMode) => T) =>
    Object.fromEntries(MODES.map((m) => [m, f(m)])) as Record<ProxylessMode, T>;
  const callsPerSec = per((m) => median(of(m).map((w) => w.callsPerSec)));
  const clientCpuUsPerCall = per((m) => median(of(m).map((w) => w.cpuUsPerCall)));
  for (const w of windows) {
    if (w.firstError !== undefined) progress("xds", `proxyless per call: ${w.mode} error: ${w.firstError}`);
  }
  return {
    measured: true,
    servers: SERVERS,
    concurrency: CONCURRENCY,
    seconds,
    callsPerSec,
    clientCpuUsPerCall,
    errors: per((m) => of(m).reduce((n, w) => n + w.errors, 0)),
    ratioToDirect: callsPerSec.proxyless / callsPerSec.direct,
    cpuRatioToDirect: clientCpuUsPerCall.direct / clientCpuUsPerCall.proxyless,
    ratioToSdkStatic: callsPerSec.proxyless / callsPerSec["sdk-static"],
    layers,
  };
}

/** The lines bench/xds.ts prints. */
export function proxylessLines(r: ProxylessResult): string[] {
  const f = (n: number) => Math.round(n).toLocaleString("en-US");
  const row = (m: ProxylessMode, label: string) =>
    `  ${label.padEnd(44)} ${f(r.callsPerSec[m]).padStart(8)} calls/s  ${r.clientCpuUsPerCall[m].toFixed(1).padStart(6)} us client CPU/call  ${r.errors[m]} errors`;
  return [
    `proxyless per-call cost (unary Greet, ${r.servers} servers, ${r.concurrency} in flight, median of ${WINDOWS} windows):`,
    row("direct", "direct Triple clients (one per server, in turn)"),
    row("sdk-static", "SDK, static discovery, round robin"),
    row("proxyless", "SDK, xds:/// target (our control plane)"),
    `  proxyless / direct = ${r.ratioToDirect.toFixed(3)} req/s (target >= 0.95), ${r.cpuRatioToDirect.toFixed(3)} by client CPU per call; proxyless / SDK static = ${r.ratioToSdkStatic.toFixed(3)} req/s`,
    `  without a wire (in-memory transport, client process): SDK static ${f(r.layers.sdkStaticNs)} ns/call, proxyless ${f(r.layers.proxylessNs)} ns/call (xDS layer +${f(r.layers.proxylessNs - r.layers.sdkStaticNs)} ns)`,
  ];
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const cfg = childConfig() as { role: "proxyless-servers" } | ClientConfig;
  if (cfg.role === "proxyless-servers") await serversMain();
  else await clientMain(cfg);
}
