// Test backends: our Triple server answering `/test.Echo/Whoami` with who it is, as raw bytes, so
// any gRPC client can call it without a .proto. `mode: "unavailable"` answers UNAVAILABLE (a
// backend that is up but failing, for retry tests).
import { Code, createTripleServer, RpcError, type TripleServer } from "@dubbo-mesh/triple";

export const WHOAMI = "/test.Echo/Whoami";

const raw = { parse: (b: Uint8Array) => b, serialize: (v: unknown) => v as Uint8Array };

export interface Backend {
  readonly server: TripleServer;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startBackend(
  name: string,
  host: string,
  port = 0,
  mode: "ok" | "unavailable" = "ok",
): Promise<Backend> {
  const server = createTripleServer({ health: false, reflection: false });
  server.registerMethod({
    info: { service: "test.Echo", method: "Whoami", kind: "unary" },
    input: { proto: raw, json: raw },
    output: { proto: raw, json: raw },
    group: "",
    version: "",
    handler: () => {
      if (mode === "unavailable") throw new RpcError(Code.Unavailable, `${name} is down`);
      return Buffer.from(JSON.stringify({ server: name }));
    },
  });
  const addr = await server.listen({ host, port });
  return { server, host, port: addr.port, close: () => server.close({ graceMs: 100 }) };
}
