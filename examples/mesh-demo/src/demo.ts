import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ControlPlane } from "@dubbo-mesh/control-plane";
import { startConsumer } from "./consumer.js";
import { startProvider } from "./provider.js";

// `npm start`: a demo mesh on an embedded default. Our control plane (Istio VirtualService and
// DestinationRule from examples/mesh-demo/config), Greeter v1 and v2 workloads that auto-register over
// ADS, and a proxyless consumer calling `xds:///greeter.demo.svc.cluster.local:<port>` that prints the
// live split once a second. `--once` makes 1000 calls, prints the split and exits.
const { values } = parseArgs({
  options: {
    "xds-port": { type: "string", default: "15010" },
    port: { type: "string", default: "50051" },
    once: { type: "boolean", default: false },
    calls: { type: "string", default: "1000" },
    config: { type: "string" },
  },
});
const configDir = values.config ?? fileURLToPath(new URL("../config", import.meta.url));
const port = Number(values.port);
const calls = Number(values.calls);
for (const [name, v] of [
  ["--xds-port", values["xds-port"]],
  ["--port", values.port],
  ["--calls", values.calls],
] as const) {
  if (!/^\d+$/.test(v ?? "") || Number(v) > 65535 * (name === "--calls" ? 1e4 : 1)) {
    console.error(`${name} must be a whole number, got "${v}"`);
    process.exit(2);
  }
}

const cp = new ControlPlane({
  configDir,
  port: Number(values["xds-port"]),
  host: "127.0.0.1",
  debounce: { quietMs: 50, maxMs: 500 },
  registrationGraceMs: 1000,
});
const { port: xdsPort } = await cp.start();
const xds = `127.0.0.1:${xdsPort}`;
console.log(`control plane ready on ${xds} (config: ${configDir})`);

// Two workloads on the same port of two loopback addresses, as two pods would be.
const v1 = await startProvider(xds, "v1", "127.0.0.2", port);
const providers = [v1, await startProvider(xds, "v2", "127.0.0.3", v1.port)];
for (const p of providers) console.log(`greeter ${p.version} listening on ${p.address}, registered over ADS`);
const waitUntil = Date.now() + 10_000;
while (cp.registry.snapshot().instances.length < providers.length && Date.now() < waitUntil) {
  await new Promise((r) => setTimeout(r, 50));
}

const target = `xds:///greeter.demo.svc.cluster.local:${v1.port}`;
const consumer = await startConsumer(xds, target);
console.log(
  `consumer calling ${target} (proxyless: routes, weights and endpoints come from the control plane)`,
);

async function shutdown(code: number): Promise<never> {
  await consumer.close();
  for (const p of providers) await p.stop();
  await cp.close();
  process.exit(code);
}

if (values.once) {
  const counts = await consumer.run(calls);
  console.log(formatSplit(counts));
  await shutdown(counts.errors === 0 ? 0 : 1);
}

console.log(`live split (edit the weights in ${configDir}/greeter.yaml; Ctrl-C stops):`);
const timer = setInterval(async () => {
  console.log(formatSplit(await consumer.run(100)));
}, 1000);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    clearInterval(timer);
    void shutdown(0);
  });
}

function formatSplit(c: { byVersion: Map<string, number>; errors: number; total: number }): string {
  const parts = [...c.byVersion.entries()]
    .sort()
    .map(([v, n]) => `${v} ${((100 * n) / Math.max(1, c.total)).toFixed(0).padStart(3)}%`);
  return `${parts.join(" | ")}  (${c.total} calls${c.errors ? `, ${c.errors} failed` : ""})`;
}
