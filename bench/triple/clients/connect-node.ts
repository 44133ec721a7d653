// connect-node client over its gRPC transport (HTTP/2, one session).

import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { GreetService, NAME } from "../greet.js";
import { clientMain } from "./load-loop.js";

await clientMain(async ({ port }) => {
  const client = createClient(GreetService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }));
  return async () => (await client.greet({ name: NAME })).greeting;
});
