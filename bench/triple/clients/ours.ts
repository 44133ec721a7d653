// Our Triple client (@dubbo-mesh/triple) calling the raw gRPC server, so over its gRPC protocol
// (the raw server speaks nothing else).

import { GreetService, NAME } from "../greet.js";
import { loadOursClient } from "../ours.js";
import { clientMain } from "./load-loop.js";

await clientMain(async ({ port }) => {
  const loaded = await loadOursClient();
  if (!loaded.ok) return { unavailable: loaded.reason };
  const { createClient, createTransport } = loaded.mod;
  const client = createClient(
    GreetService,
    createTransport({ baseUrl: `http://127.0.0.1:${port}`, protocol: "grpc" }),
  );
  return async () => (await client.greet({ name: NAME })).greeting;
});
