// Suite `control-plane`: how fast our xDS control plane converges and what a connected client costs.
//
// The control plane runs alone in a child process (pinned to core 0 when taskset works), seeded with
// 1,000 services x 10 endpoints. This process (core 1) opens N real ADS streams -- raw node:http2,
// gRPC framing, protobuf-es messages -- each watching LDS/RDS/CDS/EDS of 5 services (one shared by
// all, so a change to it reaches every client) and ACKing every response at once. Then, repeatedly:
//   - a config change (a VirtualService of the shared service): measured from the change until each
//     client's RDS ACK reached the control plane (its own clock), p50/p99/max over clients;
//   - an endpoint change (one endpoint of the shared service moves): the same for EDS.
// Also: the control plane's heap and RSS growth per connected client (after GC), its CPU time per
// push, and responses sent per second during a push. Debounce is istiod's: 100 ms quiet, 10 s max.
//
// `npm run bench -- control-plane`; BENCH_CP_CLIENTS=100,1000,5000 (default) and BENCH_CP_REPEATS=3.

import { execFileSync } from "node:child_process";
import http2 from "node:http2";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { create, type MessageInitShape, toBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { ControlPlane, parseResources } from "@dubbo-mesh/control-plane";
// The generated xDS messages, through the control plane's re-export (packages/xds exports only its index).
import { DiscoveryRequestSchema } from "../packages/control-plane/src/envoy/gen.js";
import { childConfig, guardChild } from "./lib/child-guard.js";
import { send } from "./lib/child-protocol.js";
import { type NodeChild, spawnNodeChild } from "./lib/children.js";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { canPin, LOAD_CORE, SUBJECT_CORE } from "./lib/pinning.js";
import { progress } from "./lib/progress.js";
import { writeResults } from "./lib/results.js";
import { fmt, markdownTable } from "./lib/table.js";

const SERVICES = 1000;
const ENDPOINTS = 10;
const PORT = 8080;
const WATCHED = 5;
const SHARED = 0;
const ADS_PATH = "/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources";
const TYPES = {
  lds: "type.googleapis.com/envoy.config.listener.v3.Listener",
  rds: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  cds: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  eds: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
} as const;
type TypeKey = keyof typeof TYPES;

const host = (i: number) => `svc-${i}.bench.svc.cluster.local`;
const cluster = (i: number) => `outbound|${PORT}||${host(i)}`;
const wallMs = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------
// Child: the control plane under test. Commands arrive as JSON lines on stdin, answers go out as
// `result` messages on stdout.

type Command =
  | { cmd: "stats" }
  | { cmd: "config"; seq: number }
  | { cmd: "endpoint"; seq: number }
  | { cmd: "acks"; type: TypeKey; since: number; pushAfter: number };

function forceGc(): void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  gc();
}

function endpointInstance(svc: number, e: number, address: string) {
  return {
    id: `svc-${svc}-${e}`,
    source: "bench",
    address,
    namespace: "bench",
    labels: { app: `svc-${svc}`, version: e % 2 === 0 ? "v1" : "v2" },
    ports: [{ name: "grpc", port: PORT }],
    services: [host(svc)],
    weight: 1,
    healthy: true,
    dubboServices: [],
  };
}

async function childMain(): Promise<void> {
  guardChild(1800);
  childConfig();
  const cp = new ControlPlane({ debounce: { quietMs: 100, maxMs: 10_000 } });
  const instances = [];
  for (let s = 0; s < SERVICES; s++) {
    for (let e = 0; e < ENDPOINTS; e++)
      instances.push(endpointInstance(s, e, `10.${(s >> 8) & 255}.${s & 255}.${e + 1}`));
  }
  cp.registry.replaceSource("bench", [], instances);
  const { port } = await cp.start();
  while (!cp.ads.isCurrent()) await new Promise((r) => setTimeout(r, 20));
  forceGc();
  send({ event: "listening", port });

  const reply = (result: unknown) => send({ event: "result", result });
  createInterface({ input: process.stdin }).on("line", (line) => {
    const c = JSON.parse(line) as Command;
    void handle(c).then(reply);
  });

  async function handle(c: Command): Promise<unknown> {
    switch (c.cmd) {
      case "stats": {
        forceGc();
        const m = process.memoryUsage();
        const cpu = process.cpuUsage();
        return {
          heapUsed: m.heapUsed,
          rss: m.rss,
          cpuUs: cpu.user + cpu.system,
          connections: cp.ads.connections.size,
        };
      }
      case "config":
      case "endpoint": {
        const cpu = process.cpuUsage();
        const at = wallMs();
        const pushed = cp.ads.nextPush();
        if (c.cmd === "config") {
          const yaml = `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: shared, namespace: bench}\nspec:\n  hosts: [${host(SHARED)}]\n  http:\n  - route:\n    - destination: {host: ${host(SHARED)}}\n    timeout: ${c.seq + 1}s\n`;
          cp.store.setSource("bench-vs.yaml", parseResources(yaml, "bench-vs.yaml").resources);
        } else {
          cp.registry.upsertInstance(endpointInstance(SHARED, 0, `10.200.${c.seq & 255}.1`));
        }
        await pushed;
        const record = cp.ads.pushes.at(-1);
        return { at, pushStartedAt: record?.startedAt, cpuBeforeUs: cpu.user + cpu.system };
      }
      case "acks": {
        // Per connection: when the control plane saw the ACK of the newest response of this type.
        const typeUrl = TYPES[c.type];
        const delays: number[] = [];
        let synced = 0;
        for (const conn of cp.ads.connections.values()) {
          const st = conn.types.get(typeUrl);
          if (st?.status() === "SYNCED" && st.acked !== undefined && st.acked.at >= c.pushAfter) {
            synced++;
            delays.push(st.acked.at - c.since);
          }
        }
        const cpu = process.cpuUsage();
        const last = cp.ads.pushes.at(-1);
        return {
          synced,
          delays,
          cpuUs: cpu.user + cpu.system,
          pushDurationMs: last?.durationMs,
          pushConnections: last?.connections,
        };
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: simulated ADS clients.

/** Reads only what an ACK needs (version_info 1, type_url 4, nonce 5) and skips the resources. */
function scanResponse(bytes: Uint8Array): { version: string; typeUrl: string; nonce: string } {
  const r = new BinaryReader(bytes);
  let version = "";
  let typeUrl = "";
  let nonce = "";
  while (r.pos < r.len) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WireType.LengthDelimited) version = r.string();
    else if (field === 4 && wire === WireType.LengthDelimited) typeUrl = r.string();
    else if (field === 5 && wire === WireType.LengthDelimited) nonce = r.string();
    else r.skip(wire);
  }
  return { version, typeUrl, nonce };
}

class SimClient {
  private stream: http2.ClientHttp2Stream | undefined;
  private buf: Buffer = Buffer.alloc(0);
  readonly names: Record<TypeKey, string[]>;
  /** Last response time per type (wall ms) and how many arrived. */
  readonly got = new Map<string, { at: number; count: number }>();
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly session: http2.ClientHttp2Session,
    readonly index: number,
  ) {
    const watched = [SHARED];
    for (let k = 1; watched.length < WATCHED; k++) {
      const s = (index * 37 + k * 101) % SERVICES;
      if (!watched.includes(s)) watched.push(s);
    }
    this.names = {
      lds: watched.map((s) => `${host(s)}:${PORT}`),
      rds: watched.map(cluster),
      cds: watched.map(cluster),
      eds: watched.map(cluster),
    };
  }

  start(): void {
    const stream = this.session.request({
      ":method": "POST",
      ":path": ADS_PATH,
      "content-type": "application/grpc",
      te: "trailers",
    });
    this.stream = stream;
    stream.on("data", (chunk: Buffer) => this.onData(chunk));
    stream.on("error", () => {});
    let first = true;
    for (const key of ["lds", "rds", "cds", "eds"] as const) {
      this.send({
        typeUrl: TYPES[key],
        resourceNames: this.names[key],
        ...(first
          ? {
              node: {
                id: `sim-${this.index}`,
                locality: {},
                metadata: { GENERATOR: "grpc", NAMESPACE: "bench" },
              },
            }
          : {}),
      });
      first = false;
    }
  }

  private send(init: MessageInitShape<typeof DiscoveryRequestSchema>): void {
    const body = toBinary(DiscoveryRequestSchema, create(DiscoveryRequestSchema, init));
    const frame = Buffer.allocUnsafe(5 + body.length);
    frame[0] = 0;
    frame.writeUInt32BE(body.length, 1);
    frame.set(body, 5);
    this.stream?.write(frame);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf as Buffer, chunk]);
    while (this.buf.length >= 5) {
      const len = this.buf.readUInt32BE(1);
      if (this.buf.length < 5 + len) break;
      const msg = this.buf.subarray(5, 5 + len);
      this.buf = this.buf.subarray(5 + len);
      const res = scanResponse(msg);
      const key = (Object.keys(TYPES) as TypeKey[]).find((k) => TYPES[k] === res.typeUrl);
      if (key === undefined) continue;
      // ACK at once, as grpc-js-xds does.
      this.send({
        typeUrl: res.typeUrl,
        versionInfo: res.version,
        responseNonce: res.nonce,
        resourceNames: this.names[key],
      });
      const g = this.got.get(key);
      this.got.set(key, { at: wallMs(), count: (g?.count ?? 0) + 1 });
      for (const w of this.waiters.splice(0)) w();
    }
  }

  synced(): boolean {
    return this.got.size === 4;
  }

  close(): void {
    this.stream?.close();
  }
}

interface ChangeResult {
  p50: number;
  p99: number;
  max: number;
  afterDebounceP99: number;
  cpuMs: number;
  pushMs: number;
  responsesPerSecond: number;
}

interface Row {
  clients: number;
  initialSyncMs: number;
  heapPerClientKB: number;
  rssPerClientKB: number;
  config: ChangeResult;
  endpoint: ChangeResult;
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

async function ask<T>(child: NodeChild, command: Command): Promise<T> {
  child.process.stdin?.write(`${JSON.stringify(command)}\n`);
  const m = await child.next("result", 120_000);
  return m.result as T;
}

async function measureChange(
  child: NodeChild,
  kind: "config" | "endpoint",
  seq: number,
  clients: number,
): Promise<ChangeResult> {
  const type: TypeKey = kind === "config" ? "rds" : "eds";
  const applied = await ask<{ at: number; pushStartedAt: number; cpuBeforeUs: number }>(child, {
    cmd: kind,
    seq,
  });
  // Poll until every client's ACK of the new response reached the control plane.
  const deadline = Date.now() + 60_000;
  let last: {
    synced: number;
    delays: number[];
    cpuUs: number;
    pushDurationMs?: number;
    pushConnections?: number;
  };
  for (;;) {
    last = await ask(child, { cmd: "acks", type, since: applied.at, pushAfter: applied.pushStartedAt });
    if (last.synced >= clients || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (last.synced < clients)
    progress("control-plane", `only ${last.synced}/${clients} clients ACKed the ${kind} change`);
  const delays = [...last.delays].sort((a, b) => a - b);
  const debounce = applied.pushStartedAt - applied.at;
  const pushMs = last.pushDurationMs ?? Number.NaN;
  return {
    p50: pct(delays, 0.5),
    p99: pct(delays, 0.99),
    max: delays.at(-1) ?? Number.NaN,
    afterDebounceP99: pct(delays, 0.99) - debounce,
    cpuMs: (last.cpuUs - applied.cpuBeforeUs) / 1000,
    pushMs,
    responsesPerSecond: (last.pushConnections ?? clients) / (pushMs / 1000),
  };
}

function median(results: readonly ChangeResult[]): ChangeResult {
  const pick = (f: (r: ChangeResult) => number) =>
    pct(
      [...results.map(f)].sort((a, b) => a - b),
      0.5,
    );
  return {
    p50: pick((r) => r.p50),
    p99: pick((r) => r.p99),
    max: pick((r) => r.max),
    afterDebounceP99: pick((r) => r.afterDebounceP99),
    cpuMs: pick((r) => r.cpuMs),
    pushMs: pick((r) => r.pushMs),
    responsesPerSecond: pick((r) => r.responsesPerSecond),
  };
}

async function benchClients(clients: number, repeats: number): Promise<Row> {
  const child = spawnNodeChild(new URL(import.meta.url), {}, canPin() ? SUBJECT_CORE : undefined);
  const sims: SimClient[] = [];
  const sessions: http2.ClientHttp2Session[] = [];
  try {
    const { port } = await child.next("listening", 120_000);
    const before = await ask<{ heapUsed: number; rss: number }>(child, { cmd: "stats" });
    progress("control-plane", `${clients} clients: connecting`);
    const t0 = performance.now();
    // One HTTP/2 connection per client, as real workloads have; opened in batches.
    for (let i = 0; i < clients; i += 250) {
      const batch: SimClient[] = [];
      for (let j = i; j < Math.min(clients, i + 250); j++) {
        const session = http2.connect(`http://127.0.0.1:${port}`);
        session.on("error", () => {});
        sessions.push(session);
        const sim = new SimClient(session, j);
        sim.start();
        batch.push(sim);
        sims.push(sim);
      }
      while (!batch.every((s) => s.synced())) await new Promise((r) => setTimeout(r, 10));
    }
    const initialSyncMs = performance.now() - t0;
    const after = await ask<{ heapUsed: number; rss: number; connections: number }>(child, { cmd: "stats" });
    progress(
      "control-plane",
      `${clients} clients: synced in ${fmt(initialSyncMs)} ms, ${after.connections} connections`,
    );
    const config: ChangeResult[] = [];
    const endpoint: ChangeResult[] = [];
    for (let r = 0; r < repeats; r++) {
      config.push(await measureChange(child, "config", r, clients));
      await new Promise((res) => setTimeout(res, 300));
      endpoint.push(await measureChange(child, "endpoint", r, clients));
      await new Promise((res) => setTimeout(res, 300));
    }
    return {
      clients,
      initialSyncMs,
      heapPerClientKB: (after.heapUsed - before.heapUsed) / clients / 1024,
      rssPerClientKB: (after.rss - before.rss) / clients / 1024,
      config: median(config),
      endpoint: median(endpoint),
    };
  } finally {
    for (const s of sims) s.close();
    for (const s of sessions) s.destroy();
    await child.stop();
  }
}

function clientCounts(): number[] {
  const raw = process.env.BENCH_CP_CLIENTS ?? "100,1000,5000";
  const list = raw.split(",").map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`BENCH_CP_CLIENTS must list positive integers, got "${raw}"`);
  return list;
}

function repeatCount(): number {
  const n = Number(process.env.BENCH_CP_REPEATS ?? 3);
  if (!Number.isInteger(n) || n <= 0) throw new Error("BENCH_CP_REPEATS must be a positive integer");
  return n;
}

/** Pins this process (the load) to LOAD_CORE for the run; returns how to undo it. */
function pinSelf(): () => void {
  if (!canPin()) return () => {};
  // taskset -p changes the affinity of a running process; the suite runner may run other suites after us.
  const previous =
    execFileSync("taskset", ["-pc", String(process.pid)], { encoding: "utf8" })
      .split(":")
      .pop()
      ?.trim() ?? "";
  execFileSync("taskset", ["-pc", String(LOAD_CORE), String(process.pid)], { stdio: "ignore" });
  return () => {
    if (previous !== "") execFileSync("taskset", ["-pc", previous, String(process.pid)], { stdio: "ignore" });
  };
}

export async function run(): Promise<void> {
  const machine = machineInfo();
  const counts = clientCounts();
  const repeats = repeatCount();
  const unpin = pinSelf();
  const rows: Row[] = [];
  try {
    for (const n of counts) rows.push(await benchClients(n, repeats));
  } finally {
    unpin();
  }
  const ms = (v: number) => fmt(v, v < 10 ? 1 : 0);
  console.log(
    `\n## control plane: ${SERVICES} services x ${ENDPOINTS} endpoints, ${WATCHED} services watched per client, debounce 100 ms\n`,
  );
  console.log(describeMachine(machine));
  console.log(
    markdownTable(
      [
        { title: "clients", align: "right" },
        { title: "initial sync ms", align: "right" },
        { title: "config→all ACK p50 ms", align: "right" },
        { title: "p99 ms", align: "right" },
        { title: "p99 after debounce ms", align: "right" },
        { title: "endpoint→all ACK p50 ms", align: "right" },
        { title: "p99 ms", align: "right" },
        { title: "responses/s in a push", align: "right" },
        { title: "CPU ms per push (RDS / EDS)", align: "right" },
        { title: "heap KB/client", align: "right" },
        { title: "RSS KB/client", align: "right" },
      ],
      rows.map((r) => [
        fmt(r.clients),
        ms(r.initialSyncMs),
        ms(r.config.p50),
        ms(r.config.p99),
        ms(r.config.afterDebounceP99),
        ms(r.endpoint.p50),
        ms(r.endpoint.p99),
        fmt(r.config.responsesPerSecond),
        `${ms(r.config.cpuMs)} / ${ms(r.endpoint.cpuMs)}`,
        fmt(r.heapPerClientKB, 1),
        fmt(r.rssPerClientKB, 1),
      ]),
    ),
  );
  const file = writeResults(
    "control-plane",
    {
      services: SERVICES,
      endpointsPerService: ENDPOINTS,
      watchedPerClient: WATCHED,
      debounceMs: 100,
      repeats,
      clients: counts,
    },
    { rows },
    machine,
  );
  progress("control-plane", `results in ${file}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  childMain().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
