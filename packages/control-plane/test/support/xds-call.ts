// Child process: a @grpc/grpc-js-xds client. The bootstrap is process-global in grpc-js-xds, so each
// scenario runs in its own process. Input: one JSON argument (see CallPlan). Output: JSON lines on
// stdout -- one per call, then {"event":"done"}; the channel stays open `holdMs` longer so the test
// can look at the control plane's view of this client.
import { createRequire } from "node:module";

interface CallPlan {
  bootstrap: unknown;
  target: string;
  calls: number;
  /** Metadata for every call, or per call index (key -> value) when `metadataFor` is given. */
  metadata?: Record<string, string>;
  /** Cycles through these metadata sets, call i using entry i % length. */
  metadataCycle?: Record<string, string>[];
  intervalMs?: number;
  holdMs?: number;
  deadlineMs?: number;
  env?: Record<string, string>;
}

const plan = JSON.parse(process.argv[2] ?? "{}") as CallPlan;
process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify(plan.bootstrap);
for (const [k, v] of Object.entries(plan.env ?? {})) process.env[k] = v;

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
(require("@grpc/grpc-js-xds") as { register(): void }).register();

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const client = new grpc.Client(plan.target, grpc.credentials.createInsecure());
const identity = (b: Buffer) => b;

function call(i: number): Promise<void> {
  const md = new grpc.Metadata();
  const set = plan.metadataCycle?.[i % plan.metadataCycle.length] ?? plan.metadata ?? {};
  for (const [k, v] of Object.entries(set)) md.set(k, v);
  // The first call waits for xDS resolution (four round trips, ~0.3-1 s with grpc-js-xds).
  if (i === 0) md.setOptions({ waitForReady: true });
  const started = Date.now();
  const deadline = new Date(Date.now() + (i === 0 ? 15_000 : (plan.deadlineMs ?? 3000)));
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      "/test.Echo/Whoami",
      identity,
      identity,
      Buffer.alloc(0),
      md,
      { deadline },
      (err, value) => {
        const ms = Date.now() - started;
        if (err)
          out({
            event: "call",
            i,
            ok: false,
            code: err.code,
            details: err.details,
            ms,
            t: Date.now(),
            meta: set,
          });
        else
          out({
            event: "call",
            i,
            ok: true,
            server: (JSON.parse(String(value)) as { server: string }).server,
            ms,
            t: Date.now(),
            meta: set,
          });
        resolve();
      },
    );
  });
}

for (let i = 0; i < plan.calls; i++) {
  await call(i);
  if (plan.intervalMs) await new Promise((r) => setTimeout(r, plan.intervalMs));
}
out({ event: "done" });
await new Promise((r) => setTimeout(r, plan.holdMs ?? 0));
client.close();
process.exit(0);
