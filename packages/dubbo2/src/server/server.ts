// The Dubbo2 provider: a TCP listener (or sockets handed over by a protocol-detecting listener), one
// ServerConnection per consumer, calls dispatched to the SDK's services.

import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { Hessian2Encoder } from "@dubbo-mesh/hessian2";
import { DEFAULT_MAX_PAYLOAD } from "../frame-decoder.js";
import { DEFAULT_HEARTBEAT_MS } from "../heartbeat.js";
import { ServerConnection, type ServerRuntime } from "./connection.js";
import type { Dubbo2CloseOptions, Dubbo2ListenOptions, Dubbo2ServerOptions } from "./options.js";

const DEFAULT_GRACE_MS = 10_000;

export class Dubbo2Server {
  private listener: Server | undefined;
  private readonly connections = new Set<ServerConnection>();
  private readonly rt: ServerRuntime;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private eventId = 0;

  constructor(options: Dubbo2ServerOptions) {
    this.rt = {
      options,
      maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      encoder: new Hessian2Encoder(),
      onError: options.onError ?? (() => {}),
      nextEventId: () => ++this.eventId,
      callStarted: () => {
        this.inFlight++;
      },
      callEnded: () => {
        this.inFlight--;
        if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      },
    };
  }

  /** Listens on host:port (default 0.0.0.0, any free port); resolves with the bound address. */
  async listen(options: Dubbo2ListenOptions = {}): Promise<{ host: string; port: number }> {
    if (this.listener !== undefined) throw new Error("the dubbo2 server is already listening");
    const listener = createServer((socket) => this.handleConnection(socket));
    this.listener = listener;
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(options.port ?? 0, options.host ?? "0.0.0.0", () => {
        listener.off("error", reject);
        resolve();
      });
    });
    listener.on("error", (error) => this.rt.onError(error, "listener"));
    const address = listener.address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  /**
   * Serves a socket accepted elsewhere, e.g. by a listener that detected the Dubbo2 magic (0xdabb,
   * `looksLikeDubbo2`) on a port shared with Triple. Bytes already read must be `unshift`ed first.
   */
  handleConnection(socket: Socket): void {
    const connection = new ServerConnection(socket, this.rt, (c) => this.connections.delete(c));
    this.connections.add(connection);
  }

  /** Open consumer connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Calls being run now. */
  get callsInFlight(): number {
    return this.inFlight;
  }

  /**
   * Graceful stop: stops accepting, sends READONLY_EVENT on every connection (consumers stop sending
   * new calls), waits for the calls in flight (at most graceMs), then closes the connections.
   */
  async close(options: Dubbo2CloseOptions = {}): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    const closed = listener
      ? new Promise<void>((resolve) => listener.close(() => resolve()))
      : Promise.resolve();
    for (const connection of this.connections) connection.sendReadonly();
    const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        timer.unref();
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    // Let the last answers leave before the sockets go.
    await new Promise((resolve) => setImmediate(resolve));
    for (const connection of this.connections) connection.close();
    const deadline = Date.now() + 1500;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const connection of this.connections) connection.destroy();
    await closed;
  }
}

export function createDubbo2Server(options: Dubbo2ServerOptions): Dubbo2Server {
  return new Dubbo2Server(options);
}
