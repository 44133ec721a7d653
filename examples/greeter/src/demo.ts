import { parseArgs } from "node:util";
import { createClient, createTransport, createTripleServer, RpcError } from "@dubbo-mesh/triple";
import { GreetService } from "./gen/greet/v1/greet_pb.js";
import { greeterImpl } from "./greeter-impl.js";

// `npm start`: the Greeter served on one port (gRPC + Triple, HTTP/1.1 + HTTP/2) and called over each
// protocol. Until the control plane lands this is the whole demo; `--once` exits after the calls.
const { values } = parseArgs({
  options: { port: { type: "string", default: "50051" }, once: { type: "boolean", default: false } },
});
const server = createTripleServer();
server.register(GreetService, greeterImpl("v1"), { version: "1.0.0" });
server.register(GreetService, greeterImpl("v2"), { version: "2.0.0" });
const { port } = await server.listen({ host: "127.0.0.1", port: Number(values.port) });
const base = `http://127.0.0.1:${port}`;
console.log(
  `greeter listening on ${base} (gRPC, Triple JSON/proto, HTTP/1.1 and HTTP/2, health, reflection)`,
);

const grpc = createTransport({ baseUrl: base });
const http1 = createTransport({ baseUrl: base, httpVersion: "1.1", codec: "json" });
for (const [label, transport, version] of [
  ["gRPC/HTTP2  v1", grpc, "1.0.0"],
  ["gRPC/HTTP2  v2", grpc, "2.0.0"],
  ["Triple JSON/HTTP1.1 v1", http1, "1.0.0"],
] as const) {
  const client = createClient(GreetService, transport, { version });
  const { greeting } = await client.greet({ name: "dubbo" }, { timeoutMs: 1000 });
  console.log(`${label.padEnd(24)} -> ${greeting}`);
}
const client = createClient(GreetService, grpc, { version: "1.0.0" });
const streamed: string[] = [];
for await (const r of client.greetServerStream({ name: "stream" })) streamed.push(r.greeting);
console.log(`${"server stream".padEnd(24)} -> ${streamed.join(" | ")}`);
const err = await client.greet({ name: "error" }).catch((e: unknown) => e);
if (err instanceof RpcError) console.log(`${"error".padEnd(24)} -> code ${err.code}: ${err.rawMessage}`);
await Promise.all([grpc.close(), http1.close()]);

if (values.once) {
  await server.close({ graceMs: 1000 });
} else {
  console.log(
    `\ntry: curl -H 'content-type: application/json' -H 'tri-service-version: 2.0.0' -d '{"name":"you"}' ${base}/greet.v1.GreetService/Greet`,
  );
  console.log("Ctrl-C stops the server");
  for (const sig of ["SIGINT", "SIGTERM"] as const)
    process.once(sig, () => void server.close({ graceMs: 2000 }).then(() => process.exit(0)));
}
