// Loads our own Triple implementation at run time. `@dubbo-mesh/triple` is written in parallel with
// this harness: a dynamic import keeps the suite (and the type check) working while the API is
// missing or moving, and turns "not there yet" into a skipped row instead of a crash.

import type { GreetRequest, GreetService } from "./greet.js";

export interface OursServer {
  register(
    service: typeof GreetService,
    impl: { greet: (req: GreetRequest) => { greeting: string } },
  ): unknown;
  listen(options: { host: string; port: number }): Promise<unknown>;
}

export interface OursClient {
  greet(req: { name: string }): Promise<{ greeting: string }>;
}

export interface OursModule {
  createTripleServer(): OursServer;
  createTransport(options: { baseUrl: string; protocol?: "grpc" | "triple" }): unknown;
  createClient(service: typeof GreetService, transport: unknown): OursClient;
}

type Loaded<K extends keyof OursModule> =
  | { ok: true; mod: Pick<OursModule, K> }
  | { ok: false; reason: string };

// A variable, not a literal, so that tsc does not resolve the package before it has an entry point.
const specifier: string = "@dubbo-mesh/triple";

async function load<K extends keyof OursModule>(...exports: K[]): Promise<Loaded<K>> {
  let mod: unknown;
  try {
    mod = await import(specifier);
  } catch (error) {
    return { ok: false, reason: `cannot import ${specifier}: ${firstLine(error)}` };
  }
  const missing = exports.filter((name) => typeof (mod as Record<string, unknown>)[name] !== "function");
  if (missing.length > 0)
    return { ok: false, reason: `${specifier} does not export ${missing.join(", ")} yet` };
  return { ok: true, mod: mod as Pick<OursModule, K> };
}

export function loadOursServer(): Promise<Loaded<"createTripleServer">> {
  return load("createTripleServer");
}

export function loadOursClient(): Promise<Loaded<"createTransport" | "createClient">> {
  return load("createTransport", "createClient");
}

/** The port out of whatever `listen` resolves to: `{ port }`, a number, or a net.Server-like. */
export function portOf(listening: unknown): number | undefined {
  if (typeof listening === "number") return listening;
  if (typeof listening !== "object" || listening === null) return undefined;
  if ("port" in listening && typeof listening.port === "number") return listening.port;
  if ("address" in listening && typeof listening.address === "function") {
    const address: unknown = listening.address();
    return portOf(address);
  }
  return undefined;
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}
