// Child process: a @grpc/grpc-js-xds XdsServer (an xDS-enabled gRPC server, A36) answering
// `/test.Echo/Whoami`. It takes its listener -- filter chains, RBAC -- from the control plane.
// Input: {bootstrap, address: "ip:port", name}. Prints {"event":"serving"} once the listener arrived.
import { createRequire } from "node:module";

const plan = JSON.parse(process.argv[2] ?? "{}") as { bootstrap: unknown; address: string; name: string };
process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify(plan.bootstrap);
// grpc-js-xds registers the RBAC filter only behind this flag (A41 is still gated in 1.14).
process.env.GRPC_XDS_EXPERIMENTAL_RBAC = "true";
const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const xds = require("@grpc/grpc-js-xds") as {
  register(): void;
  XdsServer: new () => import("@grpc/grpc-js").Server;
};
xds.register();

const identity = (b: Buffer) => b;
const server = new xds.XdsServer();
server.addService(
  {
    Whoami: {
      path: "/test.Echo/Whoami",
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  },
  {
    Whoami: (_call: unknown, cb: (e: null, v: Buffer) => void) =>
      cb(null, Buffer.from(JSON.stringify({ server: plan.name }))),
  },
);
server.bindAsync(plan.address, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`${JSON.stringify({ event: "serving" })}\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
