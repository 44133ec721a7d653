// A byte-level TCP relay: listens on ip:port and pipes every connection to 127.0.0.1:target.
// grpc-go's xDS interop server binds every interface (`:<port>`), so two of them cannot share a port
// on 127.0.0.2 and 127.0.0.3 as two pods would; a relay per address stands in for the pod IP while
// the HTTP/2 bytes, and so the gRPC peers, are untouched.
import { connect, createServer, type Server, type Socket } from "node:net";

export interface Relay {
  readonly port: number;
  close(): Promise<void>;
}

export async function startRelay(ip: string, port: number, target: number): Promise<Relay> {
  const open = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = connect(target, "127.0.0.1");
    open.add(down);
    down.on("close", () => open.delete(down));
    down.pipe(up).pipe(down);
    down.on("error", () => up.destroy());
    up.on("error", () => down.destroy());
    down.on("close", () => up.destroy());
    up.on("close", () => down.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, ip, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("relay has no TCP address");
  return {
    port: address.port,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        // close() waits for open connections to end, and a client may still hold one.
        for (const s of open) s.destroy();
      }),
  };
}

/** A port free on every interface right now (the peer binds it next; the race is accepted). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "0.0.0.0", () => r()));
  const address = server.address();
  await new Promise<void>((r) => server.close(() => r()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}
