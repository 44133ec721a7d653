// Child process: a @grpc/grpc-js-xds client with XdsChannelCredentials (A29, plaintext fallback)
// calling greet.v1.GreetService/Greet through an `xds:///` target; its bootstrap (process-global in
// grpc-js-xds, hence a process of its own) names a file_watcher certificate provider. Input: one JSON
// argument. Output: one JSON line per call, then {"event":"done"}.
import { createRequire } from "node:module";

interface Plan {
  bootstrap: unknown;
  target: string;
  calls: number;
}

const plan = JSON.parse(process.argv[2] ?? "{}") as Plan;
process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify(plan.bootstrap);
process.env.GRPC_XDS_EXPERIMENTAL_RBAC = "true";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const xds = require("@grpc/grpc-js-xds") as typeof import("@grpc/grpc-js-xds");
xds.register();

const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const client = new grpc.Client(plan.target, new xds.XdsChannelCredentials(grpc.credentials.createInsecure()));

/** `message { string field1 = 1; }`: GreetRequest.name and GreetResponse.greeting alike. */
function encodeString(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from([0x0a, bytes.length]), bytes]);
}

function decodeString(buf: Buffer): string {
  return buf.length < 2 ? "" : buf.subarray(2, 2 + (buf[1] ?? 0)).toString("utf8");
}

for (let i = 0; i < plan.calls; i++) {
  const md = new grpc.Metadata();
  if (i === 0) md.setOptions({ waitForReady: true });
  await new Promise<void>((resolve) =>
    client.makeUnaryRequest(
      "/greet.v1.GreetService/Greet",
      encodeString,
      decodeString,
      "grpc-js-xds",
      md,
      { deadline: new Date(Date.now() + (i === 0 ? 20_000 : 5000)) },
      (err, value) => {
        if (err) out({ event: "call", i, ok: false, code: err.code, details: err.details });
        else out({ event: "call", i, ok: true, greeting: value });
        resolve();
      },
    ),
  );
}
out({ event: "done" });
client.close();
process.exit(0);
