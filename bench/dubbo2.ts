// Suite `dubbo2`: our Dubbo2 client + server against our Triple client + server on the same unary call
// ("Hello, world" for "world"), same concurrency, same machine, same run. Also Triple in wrapper mode
// (Hessian2 arguments inside TripleRequestWrapper, how Dubbo Java calls interface services over
// Triple), the other way an IDL-less service is reached.
//
// Each target runs as two processes: the server pinned to core 0, the client (closed loop,
// BENCH_CONCURRENCY calls in flight over one connection) pinned to core 1. This file is also the
// entry point of those child processes (`role` in the JSON config argument).

import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createDubbo2Client,
  createDubbo2Server,
  Dubbo2Error,
  Status,
  tripleWrapperMethod,
} from "@dubbo-mesh/dubbo2";
import { createClient, createTransport, createTripleServer } from "@dubbo-mesh/triple";
import { childConfig, guardChild } from "./lib/child-guard.js";
import { send } from "./lib/child-protocol.js";
import { type NodeChild, spawnNodeChild } from "./lib/children.js";
import { coreBusyMicros, procCpuMicros } from "./lib/cpu.js";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { NOISE_PERCENT, quietest } from "./lib/noise.js";
import type { LatencySummary } from "./lib/percentiles.js";
import { canPin, LOAD_CORE, SUBJECT_CORE } from "./lib/pinning.js";
import { progress } from "./lib/progress.js";
import { writeResults } from "./lib/results.js";
import { measureSeconds, noisyRetries, targetFilter, warmupSeconds } from "./lib/settings.js";
import { fmt, markdownTable } from "./lib/table.js";
import { clientMain, type LoadConfig, type LoadResult } from "./triple/clients/load-loop.js";
import { GreetService, greet, NAME } from "./triple/greet.js";

const SERVICE = "org.dubbomesh.bench.GreetService";
const STRING = ["java.lang.String"];

type TargetName = "dubbo2" | "triple" | "triple-wrapper";

interface Target {
  name: TargetName;
  label: string;
}

const TARGETS: readonly Target[] = [
  { name: "dubbo2", label: "Dubbo2 (dubbo://, Hessian2, one TCP connection)" },
  { name: "triple", label: "Triple (gRPC + protobuf, one HTTP/2 session)" },
  { name: "triple-wrapper", label: "Triple wrapper mode (gRPC + Hessian2 in TripleRequestWrapper)" },
];

interface ChildConfig extends Partial<LoadConfig> {
  role: "server" | "client";
  target: TargetName;
}

export interface Row {
  name: TargetName;
  label: string;
  outcome: "ok" | "failed";
  note?: string;
  callsPerSec?: number;
  latency?: LatencySummary;
  clientCpuUsPerCall?: number;
  serverCpuUsPerCall?: number;
  errors?: number;
  foreignPercent?: { serverCore: number; clientCore: number };
}

// ---- child processes

const wrapperMethod = tripleWrapperMethod({
  service: SERVICE,
  method: "greet",
  parameterTypes: STRING,
  returnType: "java.lang.String",
});

async function serveChild(target: TargetName): Promise<void> {
  guardChild(900);
  if (target === "dubbo2") {
    const server = createDubbo2Server({
      dispatch: (inv) => {
        if (inv.method !== "greet") throw new Dubbo2Error(Status.SERVICE_NOT_FOUND, inv.method);
        return { value: greet(String(inv.args[0])) };
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    send({ event: "listening", port });
    return;
  }
  const server = createTripleServer();
  if (target === "triple") {
    server.register(GreetService, { greet: (req) => ({ greeting: greet(req.name) }) });
  } else {
    server.registerMethod({
      info: wrapperMethod.info,
      input: wrapperMethod.input,
      output: wrapperMethod.output,
      handler: (args) => greet(String((args as unknown[])[0])),
      group: "",
      version: "",
    });
  }
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  send({ event: "listening", port });
}

async function clientChild(target: TargetName): Promise<void> {
  await clientMain(async ({ port }) => {
    if (target === "dubbo2") {
      const client = createDubbo2Client({ host: "127.0.0.1", port, timeoutMs: 10_000 });
      const invocation = { path: SERVICE, method: "greet", parameterTypes: STRING, args: [NAME] };
      return async () => (await client.call(invocation)) as string;
    }
    const transport = createTransport({ baseUrl: `http://127.0.0.1:${port}` });
    if (target === "triple") {
      const client = createClient(GreetService, transport);
      return async () => (await client.greet({ name: NAME })).greeting;
    }
    const args = [NAME];
    return async () => (await transport.unary(wrapperMethod, args, { timeoutMs: 10_000 })).message as string;
  });
}

// ---- the suite

function concurrency(): number {
  const value = Number(process.env.BENCH_CONCURRENCY ?? 100);
  if (!Number.isInteger(value) || value <= 0) throw new Error("BENCH_CONCURRENCY must be a positive integer");
  return value;
}

const self = new URL(import.meta.url);

async function benchTarget(target: Target, load: Omit<LoadConfig, "port">): Promise<Row> {
  const scope = `dubbo2 ${target.name}`;
  const base = { name: target.name, label: target.label };
  let server: NodeChild | undefined;
  let client: NodeChild | undefined;
  try {
    server = spawnNodeChild(
      self,
      { role: "server", target: target.name } satisfies ChildConfig,
      SUBJECT_CORE,
    );
    const { port } = await server.next("listening", 30_000);
    progress(
      scope,
      `server on ${port}; ${load.concurrency} in flight, ${load.warmupSeconds}s + ${load.seconds}s`,
    );
    client = spawnNodeChild(
      self,
      { role: "client", target: target.name, ...load, port } satisfies ChildConfig,
      LOAD_CORE,
    );
    await client.next("measure-start", (load.warmupSeconds + 30) * 1000);
    const start = {
      wall: performance.now(),
      server: procCpuMicros(server.pid),
      s: coreBusyMicros(SUBJECT_CORE),
      c: coreBusyMicros(LOAD_CORE),
    };
    await client.next("measure-end", (load.seconds + 30) * 1000);
    const end = {
      wall: performance.now(),
      server: procCpuMicros(server.pid),
      s: coreBusyMicros(SUBJECT_CORE),
      c: coreBusyMicros(LOAD_CORE),
    };
    const r = (await client.next("result", 30_000)).result as LoadResult;
    const windowUs = (end.wall - start.wall) * 1000;
    const serverCpu = end.server - start.server;
    const foreign = canPin()
      ? {
          serverCore: Math.max(0, ((end.s - start.s - serverCpu) / windowUs) * 100),
          clientCore: Math.max(0, ((end.c - start.c - r.cpuUsPerCall * r.calls) / windowUs) * 100),
        }
      : undefined;
    const notes = [
      ...(r.firstError === undefined ? [] : [`${r.errors} errors; first: ${r.firstError}`]),
      ...(foreign && Math.max(foreign.serverCore, foreign.clientCore) > NOISE_PERCENT
        ? [
            `noisy: ${Math.round(foreign.serverCore)} % / ${Math.round(foreign.clientCore)} % foreign load on the server / client core`,
          ]
        : []),
    ];
    progress(scope, `${Math.round(r.callsPerSec)} calls/s${notes.length ? `; ${notes.join("; ")}` : ""}`);
    return {
      ...base,
      outcome: r.errors > 0 || r.calls === 0 ? "failed" : "ok",
      ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
      callsPerSec: r.callsPerSec,
      latency: r.latency,
      clientCpuUsPerCall: r.cpuUsPerCall,
      serverCpuUsPerCall: serverCpu / r.calls,
      errors: r.errors,
      ...(foreign === undefined ? {} : { foreignPercent: foreign }),
    };
  } catch (error) {
    const note = (error as Error).message;
    progress(scope, `FAILED: ${note}`);
    return { ...base, outcome: "failed", note };
  } finally {
    await client?.stop();
    await server?.stop();
  }
}

function ratio(value: number | undefined, base: number | undefined): string {
  if (value === undefined || base === undefined || !(base > 0)) return "-";
  return `${(value / base).toFixed(2)}×`;
}

export function table(rows: readonly Row[]): string {
  const triple = rows.find((r) => r.name === "triple" && r.outcome === "ok");
  const body = markdownTable(
    [
      { title: "protocol (our client + our server)" },
      { title: "calls/s", align: "right" },
      { title: "p50 ms", align: "right" },
      { title: "p99 ms", align: "right" },
      { title: "client CPU µs/call", align: "right" },
      { title: "server CPU µs/call", align: "right" },
      { title: "calls/s vs Triple", align: "right" },
      { title: "server CPU vs Triple", align: "right" },
    ],
    rows.map((r) => [
      r.outcome === "ok" ? r.label : `${r.label} (${r.outcome})`,
      fmt(r.callsPerSec),
      fmt(r.latency?.p50, 2),
      fmt(r.latency?.p99, 2),
      fmt(r.clientCpuUsPerCall, 1),
      fmt(r.serverCpuUsPerCall, 1),
      ratio(r.callsPerSec, triple?.callsPerSec),
      ratio(r.serverCpuUsPerCall, triple?.serverCpuUsPerCall),
    ]),
  );
  const notes = rows.filter((r) => r.note !== undefined).map((r) => `- ${r.name}: ${r.note}`);
  return notes.length > 0 ? `${body}\n\n${notes.join("\n")}` : body;
}

export async function run(): Promise<void> {
  const machine = machineInfo();
  const wanted = targetFilter();
  const load = { concurrency: concurrency(), warmupSeconds: warmupSeconds(), seconds: measureSeconds() };
  console.log(`## Dubbo2 benchmark\n\n${describeMachine(machine)}`);
  const rows: Row[] = [];
  for (const target of TARGETS.filter((t) => wanted(t.name))) {
    rows.push(
      await quietest(
        () => benchTarget(target, load),
        (r) =>
          r.foreignPercent ? Math.max(r.foreignPercent.serverCore, r.foreignPercent.clientCore) : undefined,
        noisyRetries(),
        (noise) => progress(`dubbo2 ${target.name}`, `${Math.round(noise)} % foreign load, running again`),
      ),
    );
  }
  console.log(
    `\n### Unary greet("${NAME}"), ${load.concurrency} calls in flight over one connection, ` +
      `${load.warmupSeconds} s warm-up + ${load.seconds} s measured; server on core ${SUBJECT_CORE}, client on core ${LOAD_CORE}\n`,
  );
  console.log(table(rows));
  const file = writeResults(
    "dubbo2",
    { ...load, retries: noisyRetries(), pinned: canPin() },
    { rows, measuredAt: new Date().toISOString() },
    machine,
  );
  progress("dubbo2", `results written to ${file}`);
}

// ---- entry point of the child processes

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const config = childConfig() as ChildConfig;
  if (config.role === "server") await serveChild(config.target);
  else await clientChild(config.target);
}
