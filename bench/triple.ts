// Suite `triple`: our Triple server and client against raw node:http2 (the ceiling), grpc-js and
// connect-node, on the same machine in the same run. See bench/triple/ for the pieces.

import { execFileSync } from "node:child_process";
import { describeMachine, machineInfo } from "./lib/machine.js";
import { quietest } from "./lib/noise.js";
import { progress } from "./lib/progress.js";
import { readResults, writeResults } from "./lib/results.js";
import { measureSeconds, noisyRetries, partFilter, targetFilter, warmupSeconds } from "./lib/settings.js";
import { benchClients, type ClientRow, type ClientTarget } from "./triple/client-bench.js";
import { clientTable, serverTable } from "./triple/report.js";
import { benchRounds, interleaveRounds } from "./triple/rounds.js";
import { benchServer, type LoadShape, type ServerRow, type ServerTarget } from "./triple/server-bench.js";

const here = (path: string): URL => new URL(path, import.meta.url);

const GRPC_SERVERS: ServerTarget[] = [
  { name: "raw", label: "raw node:http2", module: here("./triple/servers/raw-http2.ts") },
  { name: "grpc-js", label: "@grpc/grpc-js", module: here("./triple/servers/grpc-js.ts") },
  {
    name: "connect-node",
    label: "connect-node (http2)",
    module: here("./triple/servers/connect-node.ts"),
    config: { http: "2" },
  },
  { name: "ours", label: "ours (@dubbo-mesh/triple)", module: here("./triple/servers/ours.ts") },
];

const JSON_SERVERS: ServerTarget[] = [
  { name: "raw", label: "raw node:http", module: here("./triple/servers/raw-http1.ts") },
  {
    name: "connect-node",
    label: "connect-node (http1, Connect JSON)",
    module: here("./triple/servers/connect-node.ts"),
    config: { http: "1.1" },
  },
  { name: "ours", label: "ours (Triple JSON)", module: here("./triple/servers/ours.ts") },
];

const CLIENTS: ClientTarget[] = [
  { name: "raw", label: "raw node:http2", module: here("./triple/clients/raw-http2.ts") },
  { name: "grpc-js", label: "@grpc/grpc-js", module: here("./triple/clients/grpc-js.ts") },
  {
    name: "connect-node",
    label: "connect-node (gRPC transport)",
    module: here("./triple/clients/connect-node.ts"),
  },
  { name: "ours", label: "ours (@dubbo-mesh/triple)", module: here("./triple/clients/ours.ts") },
];

/** Calls in flight in the client part (one HTTP/2 session); BENCH_CONCURRENCY overrides. */
function clientConcurrency(): number {
  const value = Number(process.env.BENCH_CONCURRENCY ?? 100);
  if (!Number.isInteger(value) || value <= 0) throw new Error("BENCH_CONCURRENCY must be a positive integer");
  return value;
}

function hasH2load(): boolean {
  try {
    execFileSync("h2load", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const reqPerSecMetric = { name: "req/s", of: (r: ServerRow) => r.reqPerSec };

async function serverPart(targets: readonly ServerTarget[], wire: "grpc" | "json", shape: LoadShape) {
  return interleaveRounds(targets, benchRounds(), reqPerSecMetric, (target) =>
    quietest(
      () => benchServer(target, wire, shape),
      (r) => r.foreignPercent,
      noisyRetries(),
      (noise) =>
        progress(`server ${target.name} (${wire})`, `${Math.round(noise)} % foreign load, running again`),
    ),
  );
}

/** Previous rows of a part with the re-measured ones replaced (same name) or appended. */
function mergeRows(previous: unknown, fresh: readonly { name: string }[]): unknown[] {
  const old = Array.isArray(previous) ? (previous as { name?: unknown }[]) : [];
  const byName = new Map(fresh.map((row) => [row.name, row]));
  const kept = old.map((row) => {
    const replacement = typeof row.name === "string" ? byName.get(row.name) : undefined;
    if (replacement) byName.delete(replacement.name);
    return replacement ?? row;
  });
  return [...kept, ...byName.values()];
}

export async function run(): Promise<void> {
  const machine = machineInfo();
  const wanted = targetFilter();
  const part = partFilter(); // parts: grpc, json, clients
  const warmup = warmupSeconds();
  const seconds = measureSeconds();
  const grpcShape: LoadShape = { warmupSeconds: warmup, seconds, clients: 10, streams: 10 };
  const jsonShape: LoadShape = { warmupSeconds: warmup, seconds, clients: 50 };
  const concurrency = clientConcurrency();
  const window = `${warmup} s warm-up + ${seconds} s measured`;

  console.log(`## Triple benchmark\n\n${describeMachine(machine)}`);
  const results: Record<string, readonly { name: string }[]> = {};

  if ((part("grpc") || part("json")) && !hasH2load()) {
    const hint =
      "h2load not found: install it with `apt-get install -y nghttp2-client`; skipping the server parts";
    progress("triple", hint);
    console.log(`\n${hint}`);
  } else {
    if (part("grpc")) {
      const grpc = await serverPart(
        GRPC_SERVERS.filter((t) => wanted(t.name)),
        "grpc",
        grpcShape,
      );
      results.grpcServers = grpc;
      console.log(`\n### Servers: gRPC unary Greet over h2c (h2load -c 10 -m 10, ${window})\n`);
      console.log(serverTable(grpc));
    }
    if (part("json")) {
      const json = await serverPart(
        JSON_SERVERS.filter((t) => wanted(t.name)),
        "json",
        jsonShape,
      );
      results.jsonServers = json;
      console.log(`\n### Servers: JSON unary Greet over HTTP/1.1 (h2load --h1 -c 50, ${window})\n`);
      console.log(serverTable(json));
    }
  }

  if (part("clients")) {
    const clients: ClientRow[] = await benchClients(
      here("./triple/servers/raw-http2.ts"),
      CLIENTS.filter((t) => wanted(t.name)),
      { concurrency, warmupSeconds: warmup, seconds },
      noisyRetries(),
      benchRounds(),
    );
    results.clients = clients;
    console.log(
      `\n### Clients: gRPC unary Greet to a raw node:http2 server (${concurrency} in flight, one session, ${window})\n`,
    );
    console.log(clientTable(clients));
    // Why the client CPU column is the one to compare.
    console.log(
      "\nWith one session the two processes tend to run in lockstep (a batch of requests, then a batch of" +
        "\nresponses), so calls/s is partly latency-bound even below 100 % CPU; CPU µs/call is the robust metric.",
    );
  }

  // A partial run (BENCH_PARTS / BENCH_TARGETS) replaces only the rows it measured; every row
  // carries its date so that rows of different runs are not mistaken for one run.
  const measuredAt = new Date().toISOString();
  const previous = readResults("triple")?.results ?? {};
  const merged: Record<string, unknown> = { ...previous };
  for (const [part, rows] of Object.entries(results)) {
    merged[part] = mergeRows(
      previous[part],
      rows.map((row) => ({ ...row, measuredAt })),
    );
  }
  const file = writeResults(
    "triple",
    {
      warmupSeconds: warmup,
      seconds,
      grpcShape,
      jsonShape,
      clientConcurrency: concurrency,
      retries: noisyRetries(),
      rounds: benchRounds(),
    },
    merged,
    machine,
  );
  progress("triple", `results written to ${file}`);
}
