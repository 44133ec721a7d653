import { parseArgs } from "node:util";
import { createTripleServer } from "@dubbo-mesh/triple";
import { GreetService } from "./gen/greet/v1/greet_pb.js";
import { greeterImpl } from "./greeter-impl.js";

// `npm run example:greeter -- --port 50051`: the Greeter on 127.0.0.1, over gRPC and Triple (HTTP/1.1 + HTTP/2).
const { values } = parseArgs({
  options: { port: { type: "string", default: "50051" }, host: { type: "string", default: "127.0.0.1" } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535, got "${values.port}"`);
  process.exit(2);
}
const server = createTripleServer();
server.register(GreetService, greeterImpl());
const addr = await server.listen({ host: values.host, port });
console.log(`greeter listening on ${addr.host}:${addr.port}`);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    server.close({ graceMs: 5000 }).then(() => process.exit(0));
  });
}
