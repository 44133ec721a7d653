// Shared by the dubbo2 tests: a server with a small demo dispatcher, a client for it, raw sockets.

import { connect, type Socket } from "node:net";
import { java } from "@dubbo-mesh/hessian2";
import {
  createDubbo2Client,
  createDubbo2Server,
  type Dubbo2Client,
  type Dubbo2ClientOptions,
  type Dubbo2Dispatcher,
  Dubbo2Error,
  type Dubbo2Server,
  type Dubbo2ServerInvocation,
  type Dubbo2ServerOptions,
  Status,
} from "../src/index.js";

export const DEMO = "org.dubbomesh.interop.DemoService";

/** sayHello, echo, sleep(ms), fail, big(n): enough to exercise every response kind. */
export const demoDispatcher: Dubbo2Dispatcher = async (inv: Dubbo2ServerInvocation) => {
  if (inv.path !== DEMO) throw new Dubbo2Error(Status.SERVICE_NOT_FOUND, `no service ${inv.path}`);
  switch (inv.method) {
    case "sayHello":
      return { value: `Hello, ${String(inv.args[0])}` };
    case "echo":
      return { value: inv.args[0], attachments: { echoed: "yes" } };
    case "nothing":
      return { value: null };
    case "sleep":
      await new Promise((r) => setTimeout(r, Number(inv.args[0])));
      return { value: `slept ${String(inv.args[0])}` };
    case "fail":
      return {
        exception: java.exception("org.dubbomesh.interop.DemoException", "demo failure", {
          fields: { code: 42 },
          cause: java.exception("java.lang.IllegalStateException", "root cause"),
        }),
      };
    case "throwJs":
      throw new TypeError("a bug in the service");
    case "big":
      return { value: "x".repeat(Number(inv.args[0])) };
    case "whoami":
      return {
        value: {
          version: inv.version,
          group: inv.group,
          generic: inv.generic ?? null,
          types: inv.parameterTypes,
          attachments: inv.attachments,
        },
      };
    default:
      throw new Dubbo2Error(Status.SERVICE_NOT_FOUND, `no method ${inv.method}`);
  }
};

export interface Pair {
  server: Dubbo2Server;
  port: number;
  client: Dubbo2Client;
  close(): Promise<void>;
}

export async function startPair(
  serverOptions: Partial<Dubbo2ServerOptions> = {},
  clientOptions: Partial<Dubbo2ClientOptions> = {},
): Promise<Pair> {
  const server = createDubbo2Server({ dispatch: demoDispatcher, ...serverOptions });
  const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
  const client = createDubbo2Client({ host: "127.0.0.1", port, timeoutMs: 5000, ...clientOptions });
  return {
    server,
    port,
    client,
    async close() {
      await client.close();
      await server.close({ graceMs: 1000 });
    },
  };
}

/** A raw socket with a buffer of everything received, for byte-level tests. */
export interface RawPeer {
  socket: Socket;
  received(): Buffer;
  /** Resolves when at least n bytes arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<Buffer>;
  closed: Promise<void>;
}

export function rawConnect(port: number): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let data = Buffer.alloc(0);
    const waiters: Array<() => void> = [];
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      for (const w of waiters.splice(0)) w();
    });
    const closed = new Promise<void>((r) => socket.on("close", () => r()));
    socket.on("error", () => {});
    socket.once("connect", () =>
      resolve({
        socket,
        closed,
        received: () => data,
        waitFor: (n, timeoutMs = 5000) =>
          new Promise((res, rej) => {
            const deadline = setTimeout(
              () => rej(new Error(`only ${data.length} of ${n} bytes arrived`)),
              timeoutMs,
            );
            const check = () => {
              if (data.length >= n) {
                clearTimeout(deadline);
                res(data);
              } else waiters.push(check);
            };
            check();
          }),
      }),
    );
    socket.once("error", reject);
  });
}
