// connect-node serving GreetService: over HTTP/2 it answers gRPC (and Connect), over HTTP/1.1 the
// Connect protocol's JSON unary — config `{ "http": "1.1" | "2" }` picks the listener.

import * as http from "node:http";
import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { childConfig, guardChild } from "../../lib/child-guard.js";
import { send } from "../../lib/child-protocol.js";
import { GreetService, greet } from "../greet.js";

guardChild(900);

const { http: version } = childConfig() as { http: "1.1" | "2" };
const handler = connectNodeAdapter({
  routes: (router: ConnectRouter) =>
    router.service(GreetService, { greet: (req) => ({ greeting: greet(req.name) }) }),
});
const server = version === "2" ? http2.createServer(handler) : http.createServer(handler);
server.listen(0, "127.0.0.1", () =>
  send({ event: "listening", port: (server.address() as AddressInfo).port }),
);
