// The SDK call path against the bare Triple client, and the cost of one load-balancer pick.
//
// Part 1: ten Triple servers of ours in one child process (pinned to core 0) serve greet.v1.GreetService;
// one client process (pinned to core 1) calls them, alternating between
//   - bare: ten @dubbo-mesh/triple clients, one per server, taken in turn (the cheapest round robin there is);
//   - bare-deadline: the same with a 1 s deadline per call, as every SDK call has (Dubbo's default
//     timeout), so that the cost of a deadline and the cost of the SDK's layers can be told apart;
//   - sdk: @dubbo-mesh/dubbo with its defaults (metrics and tracing interceptors on) + round robin +
//     failover + two no-op interceptors, over static discovery of the same ten servers;
//   - sdk-lean: the same without metrics and tracing.
// Windows alternate between the modes so that a noisy neighbour hurts all of them alike; each mode's
// rate is its median window, and its best window is shown too (other processes only ever slow a window
// down, so the best one is the least disturbed). Client CPU per call is the number to compare when the
// servers saturate first.
//
// Part 2: the SDK's own cost per call, without a network: the same clients over an in-memory
// transport that answers at once (AppOptions.transportFactory), in this process. Less exposed to a
// noisy machine than part 1, and it isolates what the SDK adds from what the wire costs.
//
// Part 3: ns per pick of every balancer over 1,000 endpoints, in this process.
//
// `npm run bench -- sdk` (BENCH_SECONDS measured per mode, default 8; BENCH_WARMUP, default 2;
// BENCH_CONCURRENCY calls in flight, default 100).

import { pathToFileURL } from "node:url";
import {
  createApp,
  createLoadBalancer,
  type Interceptor,
  type Invocation,
  Invoker,
  loadBalanceNames,
  Metadata,
  silentLogger,
  staticDiscovery,
  TransportPool,
} from "@dubbo-mesh/dubbo";
import { createClient, createTransport, createTripleServer, type Transport } from "@dubbo-mesh/triple";
import { childConfig, guardChild } from "./lib/child-guard.js";
import { send } from "./lib/child-protocol.js";
import { spawnNodeChild } from "./lib/children.js";
import { coreBusyMicros, procCpuMicros, selfCpuMicros } from "./lib/cpu.js";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { canPin, LOAD_CORE, SUBJECT_CORE } from "./lib/pinning.js";
import { progress } from "./lib/progress.js";
import { writeResults } from "./lib/results.js";
import { measureSeconds, warmupSeconds } from "./lib/settings.js";
import { fmt, markdownTable } from "./lib/table.js";
import { EXPECTED_GREETING, GreetService, greet, NAME } from "./triple/greet.js";

const SERVERS = 10;
const WINDOWS = 6;
const GREET = "greet.v1.GreetService";
const selfUrl = new URL(import.meta.url);

type Mode = "bare" | "bare-deadline" | "sdk" | "sdk-lean";
const MODES: readonly Mode[] = ["bare", "bare-deadline", "sdk", "sdk-lean"];

interface ServersConfig {
  role: "servers";
}

interface ClientConfig {
  role: "client";
  ports: number[];
  serverPid: number;
  concurrency: number;
  seconds: number;
  warmup: number;
}

interface WindowResult {
  mode: Mode;
  calls: number;
  errors: number;
  firstError?: string;
  seconds: number;
  callsPerSec: number;
  clientCpuUsPerCall: number;
  serverCpuUsPerCall: number;
  /** Busy time of the client's and servers' cores not spent by the two processes (other tenants). */
  foreignPercent: { clientCore: number; serverCore: number };
}

interface ModeSummary {
  mode: Mode;
  callsPerSec: number;
  bestCallsPerSec: number;
  clientCpuUsPerCall: number;
  bestClientCpuUsPerCall: number;
  serverCpuUsPerCall: number;
  errors: number;
  windows: number[];
}

// ---------------------------------------------------------------------------------------------------
// child: ten servers

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

// ---------------------------------------------------------------------------------------------------
// child: the client, all three modes

async function clientMain(cfg: ClientConfig): Promise<void> {
  guardChild(900);
  const n = cfg.ports.length;
  const bareClients = cfg.ports.map((port) =>
    createClient(GreetService, createTransport({ baseUrl: `http://127.0.0.1:${port}` })),
  );
  let turn = 0;
  const noop: Interceptor = (next) => (req) => next(req);
  const discovery = staticDiscovery({ [GREET]: cfg.ports.map((p) => `tri://127.0.0.1:${p}`) });
  const sdkOptions = { loadbalance: "roundrobin", cluster: "failover", interceptors: [noop, noop] } as const;
  const sdk = createApp({ name: "bench", logger: silentLogger, discovery }).client(GreetService, sdkOptions);
  const lean = createApp({
    name: "bench-lean",
    logger: silentLogger,
    discovery,
    metrics: false,
    tracing: false,
  }).client(GreetService, sdkOptions);
  const calls: Record<Mode, () => Promise<string>> = {
    bare: async () => (await bareClients[turn++ % n].greet({ name: NAME })).greeting,
    "bare-deadline": async () =>
      (await bareClients[turn++ % n].greet({ name: NAME }, { timeoutMs: 1000 })).greeting,
    sdk: async () => (await sdk.greet({ name: NAME })).greeting,
    "sdk-lean": async () => (await lean.greet({ name: NAME })).greeting,
  };
  for (const mode of MODES) await window(mode, calls[mode], cfg.warmup, cfg);
  const results: WindowResult[] = [];
  for (let w = 0; w < WINDOWS; w++) {
    // Rotate the order too, so that no mode always runs right after another one's garbage.
    const order = MODES.map((_, i) => MODES[(i + w) % MODES.length]);
    for (const mode of order) results.push(await window(mode, calls[mode], cfg.seconds / WINDOWS, cfg));
  }
  send({ event: "result", result: results });
  process.exit(0);
}

async function window(
  mode: Mode,
  call: () => Promise<string>,
  seconds: number,
  cfg: ClientConfig,
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
  const srv0 = procCpuMicros(cfg.serverPid);
  const busyC0 = coreBusyMicros(LOAD_CORE);
  const busyS0 = coreBusyMicros(SUBJECT_CORE);
  const t0 = performance.now();
  const workers = Array.from({ length: cfg.concurrency }, worker);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const done = calls;
  const t1 = performance.now();
  const cpu = selfCpuMicros() - cpu0;
  const srv = procCpuMicros(cfg.serverPid) - srv0;
  const wallUs = (t1 - t0) * 1000;
  const foreign = (busy: number, own: number) => Math.max(0, ((busy - own) / wallUs) * 100);
  const result: WindowResult = {
    mode,
    calls: done,
    errors,
    ...(firstError === undefined ? {} : { firstError }),
    seconds: (t1 - t0) / 1000,
    callsPerSec: done / ((t1 - t0) / 1000),
    clientCpuUsPerCall: cpu / done,
    serverCpuUsPerCall: srv / done,
    foreignPercent: {
      clientCore: foreign(coreBusyMicros(LOAD_CORE) - busyC0, cpu),
      serverCore: foreign(coreBusyMicros(SUBJECT_CORE) - busyS0, srv),
    },
  };
  await Promise.all(workers);
  return result;
}

// ---------------------------------------------------------------------------------------------------
// part 2: the SDK's layers over an in-memory transport

const inMemoryResponse = {
  stream: false as const,
  header: new Metadata(),
  message: { $typeName: "greet.v1.GreetResponse", greeting: EXPECTED_GREETING },
  trailer: new Metadata(),
};

/** Answers every unary call at once with the same response: no wire, no serialization. */
const inMemory: Transport = {
  unary: () => Promise.resolve(inMemoryResponse),
  stream: () => Promise.reject(new Error("unary only")),
  close: async () => {},
};

/** The in-memory transport has no deadline machinery, so the bare-with-deadline row means nothing here. */
const LAYER_MODES: readonly Mode[] = ["bare", "sdk", "sdk-lean"];

async function layerCosts(seconds: number): Promise<Partial<Record<Mode, number>>> {
  const noop: Interceptor = (next) => (req) => next(req);
  const discovery = staticDiscovery({
    [GREET]: Array.from({ length: SERVERS }, (_, i) => `tri://10.0.0.${i + 1}:50051`),
  });
  const options = { loadbalance: "roundrobin", cluster: "failover", interceptors: [noop, noop] } as const;
  const common = { logger: silentLogger, discovery, transportFactory: () => inMemory };
  const sdkApp = createApp({ name: "layers", ...common });
  const leanApp = createApp({ name: "layers-lean", ...common, metrics: false, tracing: false });
  const sdk = sdkApp.client(GreetService, options);
  const lean = leanApp.client(GreetService, options);
  const bare = createClient(GreetService, inMemory);
  const req = { name: NAME };
  const calls: Record<Mode, () => Promise<unknown>> = {
    bare: () => bare.greet(req),
    "bare-deadline": () => bare.greet(req, { timeoutMs: 1000 }),
    sdk: () => sdk.greet(req),
    "sdk-lean": () => lean.greet(req),
  };
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
  const samples: Record<Mode, number[]> = { bare: [], "bare-deadline": [], sdk: [], "sdk-lean": [] };
  for (const mode of LAYER_MODES) await batch(calls[mode], 300);
  for (let w = 0; w < WINDOWS; w++) {
    for (const mode of LAYER_MODES) {
      samples[mode].push(await batch(calls[mode], (seconds * 1000) / WINDOWS / LAYER_MODES.length));
    }
  }
  await Promise.all([sdkApp.stop({ unregisterWaitMs: 0 }), leanApp.stop({ unregisterWaitMs: 0 })]);
  return Object.fromEntries(LAYER_MODES.map((m) => [m, median(samples[m])]));
}

// ---------------------------------------------------------------------------------------------------
// part 3: load-balancer pick cost

function pickCosts(seconds: number): Record<string, number> {
  const pool = new TransportPool();
  const invokers = Array.from({ length: 1000 }, (_, i) => {
    const host = `10.${(i >> 8) & 255}.${i & 255}.1`;
    return new Invoker(
      `tri://${host}:50051`,
      {
        host,
        port: 50051,
        protocol: "tri",
        weight: 100 + (i % 7) * 50,
        metadata: {},
      },
      pool,
    );
  });
  invokers.forEach((inv, i) => {
    inv.stats.active = i % 13;
  });
  // 1,024 invocations with different keys, so consistent hash hashes something new on every pick.
  const invocations: Invocation[] = Array.from({ length: 1024 }, (_, i) => ({
    service: GREET,
    method: "Greet",
    localName: "greet",
    kind: "unary",
    group: "",
    version: "",
    message: { name: `user-${i}` },
    arguments: [`user-${i}`],
    attachments: new Metadata(),
    attachment: () => undefined,
    timeoutMs: 1000,
    retries: 2,
    idempotent: false,
    forks: 2,
    signal: undefined,
    callOptions: {},
    wire: undefined as never,
    spec: { protocol: "grpc", codec: "proto" },
    emptyResult: () => undefined,
  }));
  const out: Record<string, number> = {};
  let sink = 0;
  for (const name of loadBalanceNames) {
    const lb = createLoadBalancer(name);
    const runFor = (ms: number): { picks: number; ns: number } => {
      let picks = 0;
      const t0 = process.hrtime.bigint();
      const budget = BigInt(Math.round(ms * 1e6));
      for (;;) {
        for (let i = 0; i < 1024; i++) sink += lb.select(invokers, invocations[i]).stats.active;
        picks += 1024;
        const ns = process.hrtime.bigint() - t0;
        if (ns >= budget) return { picks, ns: Number(ns) };
      }
    };
    runFor(200); // warm-up: let V8 optimise the balancer
    const { picks, ns } = runFor(seconds * 1000);
    out[name] = ns / picks;
  }
  if (sink === -1) console.log(sink);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// parent

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function summarize(windows: WindowResult[]): ModeSummary[] {
  return MODES.map((mode) => {
    const ws = windows.filter((w) => w.mode === mode);
    return {
      mode,
      callsPerSec: median(ws.map((w) => w.callsPerSec)),
      bestCallsPerSec: Math.max(...ws.map((w) => w.callsPerSec)),
      clientCpuUsPerCall: median(ws.map((w) => w.clientCpuUsPerCall)),
      bestClientCpuUsPerCall: Math.min(...ws.map((w) => w.clientCpuUsPerCall)),
      serverCpuUsPerCall: median(ws.map((w) => w.serverCpuUsPerCall)),
      errors: ws.reduce((a, w) => a + w.errors, 0),
      windows: ws.map((w) => Math.round(w.callsPerSec)),
    };
  });
}

export async function run(): Promise<void> {
  const seconds = measureSeconds();
  const warmup = warmupSeconds();
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 100);
  const machine = machineInfo();
  console.log(`sdk: ${describeMachine(machine)}`);
  console.log(
    `sdk: ${SERVERS} servers in one process${canPin() ? " (core 0)" : ""}, one client process${canPin() ? " (core 1)" : ""}, ${concurrency} calls in flight; ${seconds}s measured per mode in ${WINDOWS} alternating windows + ${warmup}s warm-up\n`,
  );

  progress("sdk", `starting ${SERVERS} Triple servers`);
  const servers = spawnNodeChild(selfUrl, { role: "servers" } satisfies ServersConfig, SUBJECT_CORE);
  let windows: WindowResult[];
  try {
    const { ports } = (await servers.next("result", 60_000)).result as { ports: number[] };
    progress(
      "sdk",
      `servers on ${ports.join(", ")}; running the client (${Math.round(MODES.length * (seconds + warmup))} s)`,
    );
    const cfg: ClientConfig = { role: "client", ports, serverPid: servers.pid, concurrency, seconds, warmup };
    const client = spawnNodeChild(selfUrl, cfg, LOAD_CORE);
    try {
      windows = (await client.next("result", (2 * MODES.length * (seconds + warmup) + 120) * 1000))
        .result as WindowResult[];
    } finally {
      await client.stop();
    }
  } finally {
    await servers.stop();
  }

  const summary = summarize(windows);
  const bare = summary.find((s) => s.mode === "bare")!;
  const label: Record<Mode, string> = {
    bare: "bare Triple client (10 clients, in turn)",
    "bare-deadline": "bare Triple client + 1 s deadline per call",
    sdk: "SDK defaults (metrics + tracing) + RR + failover + 2 interceptors",
    "sdk-lean": "SDK, metrics and tracing off, RR + failover + 2 interceptors",
  };
  console.log("## SDK call path vs bare Triple client (unary Greet, 10 endpoints)\n");
  console.log(
    markdownTable(
      [
        { title: "client" },
        { title: "calls/s median", align: "right" },
        { title: "best", align: "right" },
        { title: "vs bare (median, best)", align: "right" },
        { title: "client CPU µs/call median", align: "right" },
        { title: "best", align: "right" },
        { title: "vs bare (median, best)", align: "right" },
        { title: "servers CPU µs/call", align: "right" },
        { title: "errors", align: "right" },
      ],
      summary.map((s) => [
        label[s.mode],
        fmt(s.callsPerSec),
        fmt(s.bestCallsPerSec),
        `${fmt(s.callsPerSec / bare.callsPerSec, 2)}, ${fmt(s.bestCallsPerSec / bare.bestCallsPerSec, 2)}`,
        fmt(s.clientCpuUsPerCall, 1),
        fmt(s.bestClientCpuUsPerCall, 1),
        `${fmt(s.clientCpuUsPerCall / bare.clientCpuUsPerCall, 2)}, ${fmt(s.bestClientCpuUsPerCall / bare.bestClientCpuUsPerCall, 2)}`,
        fmt(s.serverCpuUsPerCall, 1),
        String(s.errors),
      ]),
    ),
  );
  console.log(`
windows (calls/s): ${summary.map((s) => `${s.mode} ${s.windows.join(" ")}`).join("; ")}`);
  const noisy = windows.filter(
    (w) => Math.max(w.foreignPercent.clientCore, w.foreignPercent.serverCore) > 10,
  );
  if (noisy.length > 0) {
    console.log(
      `\nnote: ${noisy.length} of ${windows.length} windows ran with >10 % of a core busy with other processes (max ${Math.round(
        Math.max(...noisy.map((w) => Math.max(w.foreignPercent.clientCore, w.foreignPercent.serverCore))),
      )} %)`,
    );
  }

  progress("sdk", "measuring the SDK's layers over an in-memory transport");
  const layers = await layerCosts(Math.max(2, seconds / 2));
  console.log("\n## The SDK's own cost per call (in-memory transport, this process, not pinned)\n");
  console.log(
    markdownTable(
      [{ title: "client" }, { title: "ns/call", align: "right" }, { title: "added to bare", align: "right" }],
      LAYER_MODES.map((m) => [
        m === "bare" ? "bare Triple client" : label[m],
        fmt(layers[m]),
        m === "bare" ? "-" : `${fmt((layers[m] ?? 0) - (layers.bare ?? 0))} ns`,
      ]),
    ),
  );

  progress("sdk", "measuring load-balancer picks over 1,000 endpoints");
  const picks = pickCosts(Math.max(0.5, seconds / 8));
  console.log("\n## Load-balancer pick cost, 1,000 endpoints (this process, not pinned)\n");
  console.log(
    markdownTable(
      [{ title: "balancer" }, { title: "ns/pick", align: "right" }, { title: "picks/s", align: "right" }],
      Object.entries(picks).map(([name, ns]) => [name, fmt(ns, 0), fmt(1e9 / ns)]),
    ),
  );

  const file = writeResults(
    "sdk",
    { seconds, warmup, concurrency, servers: SERVERS, windows: WINDOWS, endpointsForPicks: 1000 },
    { callPath: summary, windows, layersNsPerCall: layers, pickNs: picks },
    machine,
  );
  console.log(`\nresults: ${file}`);
}

// ---------------------------------------------------------------------------------------------------
// when started as a child process of run()

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const cfg = childConfig() as ServersConfig | ClientConfig;
  if (cfg.role === "servers") await serversMain();
  else await clientMain(cfg);
}
