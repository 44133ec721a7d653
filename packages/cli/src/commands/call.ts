// `dubbo-mesh call <target> <service>/<method>`: a grpcurl-like client for humans and scripts. JSON in
// (`-d`), JSON out, over Triple (unary, application/json) -- no .proto needed. `<target>` is
// `http://host:port` or `xds:///host:port` (routes and endpoints from the control plane, see
// xds-target.ts). `-n` repeats the call, `--stats` prints how many calls each endpoint served, with
// status codes and latencies.
import {
  Code,
  codeToString,
  createTransport,
  RpcError,
  type Transport,
  type WireMethod,
} from "@dubbo-mesh/triple";
import type { Command } from "commander";
import { positiveInt, UsageError } from "../usage-error.js";
import { XdsTarget } from "./xds-target.js";

interface CallFlags {
  data: string;
  count: number;
  stats?: boolean;
  timeout?: number;
  header: string[];
  quiet?: boolean;
  xdsServer?: string;
  namespace: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON text passes through as is: the server checks it against its own schema. */
const jsonText = {
  parse: (bytes: Uint8Array): unknown => (bytes.byteLength === 0 ? {} : JSON.parse(decoder.decode(bytes))),
  serialize: (value: unknown): Uint8Array =>
    encoder.encode(typeof value === "string" ? value : JSON.stringify(value)),
};

function methodOf(spec: string): WireMethod {
  const path = spec.startsWith("/") ? spec.slice(1) : spec;
  const i = path.lastIndexOf("/");
  if (i <= 0 || i === path.length - 1)
    throw new UsageError(`"${spec}" is not <service>/<method> (e.g. greet.v1.GreetService/Greet)`);
  const service = path.slice(0, i);
  const method = path.slice(i + 1);
  const pair = { proto: jsonText, json: jsonText };
  return {
    info: { service, method, kind: "unary" },
    path: `/${service}/${method}`,
    input: pair,
    output: pair,
  };
}

/** `http(s)://host:port` -> its origin; `xds:///host:port` -> the xDS target `host:port`. */
function targetOf(target: string): { kind: "http"; baseUrl: string } | { kind: "xds"; name: string } {
  if (target.startsWith("xds:")) {
    const m = /^xds:\/\/\/(.+)$/.exec(target);
    if (m === null)
      throw new UsageError(
        `"${target}" is not xds:///host:port (xds://authority/ targets are not supported)`,
      );
    return { kind: "xds", name: m[1] };
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new UsageError(`"${target}" is not a target; use http://host:port or xds:///host:port`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`unsupported scheme "${url.protocol}" in "${target}"`);
  return { kind: "http", baseUrl: `${url.protocol}//${url.host}` };
}

function headers(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of list) {
    const i = h.indexOf(":");
    if (i <= 0) throw new UsageError(`header "${h}" is not name:value`);
    out[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
  }
  return out;
}

/**
 * Closes the transport, but waits at most `ms`: an HTTP/2 session whose close callback never fires
 * must not leave the command hanging (or, worse, let Node exit before the summary is printed).
 */
async function closeWithin(transport: { close(): Promise<void> }, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    transport.close(),
    new Promise<void>((r) => {
      timer = setTimeout(r, ms);
    }),
  ]);
  clearTimeout(timer);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

export function callCommand(program: Command): void {
  program
    .command("call")
    .description("call a unary method with JSON (Triple), like grpcurl")
    .argument(
      "<target>",
      "http://host:port, or xds:///host:port (bootstrap from GRPC_XDS_BOOTSTRAP(_CONFIG) or --xds-server)",
    )
    .argument("<method>", "<service>/<method>, e.g. greet.v1.GreetService/Greet")
    .option("-d, --data <json>", "request message as JSON", "{}")
    .option("-n, --count <n>", "number of calls", positiveInt, 1)
    .option("--stats", "print calls per endpoint, status codes and latency")
    .option("-t, --timeout <ms>", "deadline per call in milliseconds", positiveInt)
    .option(
      "-H, --header <name:value>",
      "request metadata (repeatable)",
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option("-q, --quiet", "do not print responses")
    .option("--xds-server <host:port>", "control plane for xds:/// targets (instead of a bootstrap file)")
    .option("--namespace <ns>", "the caller's namespace, for short host names in xds:/// targets", "default")
    .action(async (target: string, spec: string, flags: CallFlags) => {
      const t = targetOf(target);
      const method = methodOf(spec);
      try {
        JSON.parse(flags.data);
      } catch (e) {
        throw new UsageError(`-d is not valid JSON: ${(e as Error).message}`);
      }
      const md = headers(flags.header);
      const xds =
        t.kind === "xds"
          ? await XdsTarget.open(t.name, {
              namespace: flags.namespace,
              ...(flags.xdsServer === undefined ? {} : { xdsServer: flags.xdsServer }),
            })
          : undefined;
      const transports = new Map<string, Transport>();
      const transportFor = (baseUrl: string) => {
        let tr = transports.get(baseUrl);
        if (tr === undefined) {
          tr = createTransport({ baseUrl, protocol: "triple", codec: "json" });
          transports.set(baseUrl, tr);
        }
        return tr;
      };
      const perEndpoint = new Map<string, number>();
      const codes = new Map<string, number>();
      const latencies: number[] = [];
      let failures = 0;
      try {
        for (let i = 0; i < flags.count; i++) {
          const started = performance.now();
          try {
            const pick = xds?.pick(method.path, md) ?? {
              baseUrl: t.kind === "http" ? t.baseUrl : "",
              endpoint: t.kind === "http" ? t.baseUrl : "",
            };
            const res = await transportFor(pick.baseUrl).unary(method, flags.data, {
              headers: md,
              ...(flags.timeout === undefined ? {} : { timeoutMs: flags.timeout }),
            });
            latencies.push(performance.now() - started);
            perEndpoint.set(pick.endpoint, (perEndpoint.get(pick.endpoint) ?? 0) + 1);
            codes.set("OK", (codes.get("OK") ?? 0) + 1);
            if (!flags.quiet)
              console.log(JSON.stringify(res.message, null, flags.count === 1 ? 2 : undefined));
          } catch (e) {
            failures++;
            const code = e instanceof RpcError ? e.code : Code.Unavailable;
            const name = codeToString(code);
            codes.set(name, (codes.get(name) ?? 0) + 1);
            console.error(`ERROR: ${name}: ${e instanceof RpcError ? e.rawMessage : (e as Error).message}`);
          }
        }
      } finally {
        await Promise.all([...transports.values()].map((tr) => closeWithin(tr, 1000)));
        await xds?.close();
      }
      if (flags.stats) {
        latencies.sort((a, b) => a - b);
        console.log(`calls: ${flags.count}, ok: ${flags.count - failures}, failed: ${failures}`);
        for (const [ep, n] of perEndpoint) console.log(`endpoint ${ep}: ${n}`);
        for (const [c, n] of codes) console.log(`status ${c}: ${n}`);
        if (latencies.length > 0)
          console.log(
            `latency ms: p50 ${percentile(latencies, 0.5).toFixed(2)}, p99 ${percentile(latencies, 0.99).toFixed(2)}, max ${latencies[latencies.length - 1].toFixed(2)}`,
          );
      }
      if (failures > 0) process.exitCode = 1;
    });
}
