// Greeters of ours at chosen loopback addresses, as pods of one mesh service would be: the same
// port on 127.0.0.2, 127.0.0.3, ... The greeting names the instance ("v1: hello x"); the
// `x-delay-ms` request header makes a call slow.
import { createApp, type DubboApp, silentLogger } from "@dubbo-mesh/dubbo";
import { GreetService } from "./greet.js";

export interface MeshGreeter {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly app: DubboApp;
}

export async function startMeshGreeter(id: string, host: string, port = 0): Promise<MeshGreeter> {
  const app = createApp({ name: `greeter-${id}`, logger: silentLogger, metrics: false, tracing: false });
  app.serve(GreetService, {
    async greet(req, ctx) {
      // `x-delay-ms`: a slow call, for deadlines and circuit breakers.
      const delay = Number(ctx.requestHeader.get("x-delay-ms") ?? 0);
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      return { greeting: `${id}: hello ${req.name}` };
    },
    async *greetServerStream(req) {
      for (let i = 1; i <= 2; i++) yield { greeting: `${id}: ${req.name} #${i}` };
    },
  });
  const bound = await app.start({ host, port });
  return { id, host, port: bound.port, app };
}
