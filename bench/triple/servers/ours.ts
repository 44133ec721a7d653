// Our Triple server (@dubbo-mesh/triple). One listener serves gRPC over HTTP/2 and Triple JSON over
// HTTP/1.1 (protocol detection), so the same child serves both benchmark parts.

import { guardChild } from "../../lib/child-guard.js";
import { send } from "../../lib/child-protocol.js";
import { GreetService, greet } from "../greet.js";
import { loadOursServer, portOf } from "../ours.js";

guardChild(900);

const loaded = await loadOursServer();
if (!loaded.ok) {
  send({ event: "unavailable", reason: loaded.reason });
  process.exit(0);
}
const server = loaded.mod.createTripleServer();
server.register(GreetService, { greet: (req) => ({ greeting: greet(req.name) }) });
const port = portOf(await server.listen({ host: "127.0.0.1", port: 0 }));
if (port === undefined) {
  send({ event: "unavailable", reason: "listen() did not resolve to something with a port" });
  process.exit(0);
}
send({ event: "listening", port });
