import {
  Code,
  createApp,
  type DubboApp,
  type HandlerContext,
  RpcError,
  type ServeOptions,
  silentLogger,
} from "@dubbo-mesh/dubbo";
import { GreetService } from "./greet.js";

export const GREET = "greet.v1.GreetService";

export interface Provider {
  readonly id: string;
  readonly app: DubboApp;
  readonly port: number;
  /** Calls this provider has served. */
  served: number;
  /** The `x-call-id` attachment of every call it saw. */
  readonly callIds: string[];
  /** tri:// URL with the given parameters, for static discovery. */
  url(params?: Record<string, string | number>): string;
}

export interface ProviderSetup {
  id: string;
  serve?: ServeOptions;
  /** Milliseconds each call takes (to test timeouts and least active). */
  delayMs?: number;
  app?: string;
}

/**
 * Real providers of ours, each an SDK app on its own loopback port serving greet.v1.GreetService. The
 * greeting names the provider ("p1: hello x") so tests can count where calls went.
 */
export async function startProviders(setups: readonly ProviderSetup[]): Promise<Provider[]> {
  return Promise.all(setups.map(startProvider));
}

export async function startProvider(setup: ProviderSetup): Promise<Provider> {
  const app = createApp({ name: setup.app ?? "greeter", logger: silentLogger });
  const provider: Provider = {
    id: setup.id,
    app,
    port: 0,
    served: 0,
    callIds: [],
    url(params = {}) {
      const q = new URLSearchParams({ application: setup.app ?? "greeter" });
      for (const [k, v] of Object.entries(params)) q.set(k, String(v));
      return `tri://127.0.0.1:${this.port}?${q}`;
    },
  };
  app.serve(
    GreetService,
    {
      async greet(req, ctx: HandlerContext) {
        provider.served++;
        const callId = ctx.requestHeader.get("x-call-id");
        if (callId !== undefined) provider.callIds.push(callId);
        const delay = Number(ctx.requestHeader.get("x-delay-ms") ?? setup.delayMs ?? 0);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        if (req.name === "fail") throw new Error(`boom from ${setup.id}`);
        const failWith = ctx.requestHeader.get("x-fail-with");
        if (failWith === "unavailable") throw new RpcError(Code.Unavailable, `${setup.id} is unavailable`);
        if (failWith === "invalid") throw new RpcError(Code.InvalidArgument, `${setup.id} rejects the name`);
        if (failWith === "unavailable-once" && provider.served === 1) {
          throw new RpcError(Code.Unavailable, `${setup.id} is unavailable this once`);
        }
        const echo = ctx.requestHeader.get("x-echo");
        if (echo !== undefined) ctx.responseTrailer.set("x-echoed", `${setup.id}:${echo}`);
        ctx.responseHeader.set("x-served-by", setup.id);
        return { greeting: `${setup.id}: hello ${req.name}` };
      },
      async *greetServerStream(req) {
        provider.served++;
        for (let i = 1; i <= 3; i++) yield { greeting: `${setup.id}: ${req.name} #${i}` };
      },
      async greetClientStream(reqs) {
        provider.served++;
        const names: string[] = [];
        for await (const r of reqs) names.push(r.name);
        return { greeting: `${setup.id}: ${names.join(",")}` };
      },
      async *greetBidiStream(reqs) {
        provider.served++;
        for await (const r of reqs) yield { greeting: `${setup.id}: ${r.name}` };
      },
    },
    setup.serve,
  );
  const { port } = await app.start({ host: "127.0.0.1", port: 0 });
  (provider as { port: number }).port = port;
  return provider;
}

/** Stops providers fast (no unregistration wait, short drain). */
export async function stopAll(apps: readonly { stop: DubboApp["stop"] }[]): Promise<void> {
  await Promise.all(apps.map((a) => a.stop({ unregisterWaitMs: 0, drainMs: 200 })));
}

/** Which provider answered: the id before the colon of the greeting. */
export function servedBy(greeting: string): string {
  return greeting.slice(0, greeting.indexOf(":"));
}

export function countBy(ids: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of ids) out[id] = (out[id] ?? 0) + 1;
  return out;
}
