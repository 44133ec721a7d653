// Child process: a @grpc/grpc-js-xds client calling greet.v1.GreetService/Greet through `xds:///`
// targets (the bootstrap is process-global, hence a process per scenario). Input: one JSON argument
// (GreetPlan). Output: JSON lines -- one per call with the greeting, then {"event":"done"}.
// Messages are encoded by hand (one string field each) to keep the child free of generated code.
import { createRequire } from "node:module";

interface GreetPlan {
  bootstrap: unknown;
  target: string;
  calls: number;
  name?: string;
  deadlineMs?: number;
}

const plan = JSON.parse(process.argv[2] ?? "{}") as GreetPlan;
process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify(plan.bootstrap);

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
(require("@grpc/grpc-js-xds") as { register(): void }).register();

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const client = new grpc.Client(plan.target, grpc.credentials.createInsecure());

/** `message { string field1 = 1; }` -- GreetRequest.name and GreetResponse.greeting alike. */
function encodeString(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const len: number[] = [];
  let n = bytes.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x0a, ...len]), bytes]);
}

function decodeString(buf: Buffer): string {
  if (buf.length === 0 || buf[0] !== 0x0a) return "";
  let i = 1;
  let len = 0;
  let shift = 0;
  for (;;) {
    const b = buf[i++] ?? 0;
    len |= (b & 0x7f) << shift;
    shift += 7;
    if ((b & 0x80) === 0) break;
  }
  return buf.subarray(i, i + len).toString("utf8");
}

function call(i: number): Promise<void> {
  const md = new grpc.Metadata();
  // The first call waits for xDS resolution (LDS -> RDS -> CDS -> EDS).
  if (i === 0) md.setOptions({ waitForReady: true });
  const deadline = new Date(Date.now() + (i === 0 ? 20_000 : (plan.deadlineMs ?? 5000)));
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      "/greet.v1.GreetService/Greet",
      (s: string) => encodeString(s),
      decodeString,
      plan.name ?? "mesh",
      md,
      { deadline },
      (err, value) => {
        if (err) out({ event: "call", i, ok: false, code: err.code, details: err.details });
        else out({ event: "call", i, ok: true, greeting: value });
        resolve();
      },
    );
  });
}

for (let i = 0; i < plan.calls; i++) await call(i);
out({ event: "done" });
client.close();
process.exit(0);
