// The Dubbo2 consumer for one provider address: a small pool of shared connections (Dubbo's default is
// one), calls multiplexed over them by request id, per-call timeouts, lazy reconnect after a loss.

import { Hessian2Encoder } from "@dubbo-mesh/hessian2";
import { toDescriptor } from "../descriptor.js";
import { Dubbo2Error } from "../errors.js";
import { DEFAULT_MAX_PAYLOAD } from "../frame-decoder.js";
import { encodeHeader, FLAG_REQUEST, FLAG_TWOWAY, SERIALIZATION_HESSIAN2 } from "../header.js";
import { DEFAULT_HEARTBEAT_MS } from "../heartbeat.js";
import { encodeRequestBody } from "../request-codec.js";
import { Status } from "../status.js";
import { DUBBO_PROTOCOL_VERSION } from "../version.js";
import { ClientConnection, type ConnectionSettings } from "./connection.js";
import { ECHO, type GenericCall, genericInvocation } from "./generic.js";
import type { Dubbo2CallOptions, Dubbo2ClientOptions, Dubbo2Invocation, Dubbo2Result } from "./options.js";

const DEFAULT_TIMEOUT_MS = 1000;
const DEFAULT_CONNECT_TIMEOUT_MS = 3000;
/** Request ids wrap here, well inside both a safe integer and Java's long. */
const MAX_ID = 2 ** 53 - 1;

type Slot = ClientConnection | Promise<ClientConnection> | undefined;

export class Dubbo2Client {
  readonly address: string;
  private readonly slots: Slot[];
  private nextSlot = 0;
  private lastId = 0;
  private readonly settings: ConnectionSettings;
  private readonly encoder = new Hessian2Encoder();
  private readonly timeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly maxPayload: number;
  private readonly dubboVersion: string;
  private readonly descriptors = new Map<readonly string[], string>();
  private closed = false;
  private readonly draining = new Set<Promise<void>>();

  constructor(private readonly options: Dubbo2ClientOptions) {
    this.address = options.host.includes(":")
      ? `[${options.host}]:${options.port}`
      : `${options.host}:${options.port}`;
    this.slots = new Array<Slot>(Math.max(1, options.connections ?? 1)).fill(undefined);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    this.dubboVersion = options.dubboVersion ?? DUBBO_PROTOCOL_VERSION;
    this.settings = {
      label: this.address,
      maxPayload: this.maxPayload,
      heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      idleTimeoutMs: options.idleTimeoutMs,
      decoderOptions: options.decoderOptions ?? {},
      nextId: () => this.newId(),
    };
  }

  /**
   * Calls a method and resolves with its value and the response attachments. Fails with a Dubbo2Error:
   * the provider's status (e.g. BAD_REQUEST, SERVICE_ERROR), CLIENT_TIMEOUT, CHANNEL_INACTIVE when the
   * connection is lost or cannot be made, or status OK with `exception` when the method threw.
   */
  async invoke(invocation: Dubbo2Invocation, options: Dubbo2CallOptions = {}): Promise<Dubbo2Result> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const what = `${invocation.path}.${invocation.method}`;
    const started = Date.now();
    if (options.signal?.aborted) {
      throw new Dubbo2Error(Status.CLIENT_ERROR, `dubbo2: ${what} was cancelled`, {
        cause: options.signal.reason,
      });
    }
    const id = this.newId();
    const body = this.encode(invocation, what, timeoutMs);
    const connection = await this.acquire(what, timeoutMs, options.signal);
    const left = timeoutMs - (Date.now() - started);
    if (left <= 0) {
      throw new Dubbo2Error(
        Status.CLIENT_TIMEOUT,
        `dubbo2: ${what}: connecting to ${this.address} used up the ${timeoutMs} ms timeout`,
      );
    }
    const header = encodeHeader(FLAG_REQUEST | FLAG_TWOWAY | SERIALIZATION_HESSIAN2, 0, id, body.length);
    return connection.call(id, [header, body], what, left, options.signal, timeoutMs);
  }

  /** The value only; see invoke(). */
  async call(invocation: Dubbo2Invocation, options?: Dubbo2CallOptions): Promise<unknown> {
    return (await this.invoke(invocation, options)).value;
  }

  /** A one-way call (two-way flag clear): resolves once handed to the connection; nothing comes back. */
  async send(invocation: Dubbo2Invocation, options: Dubbo2CallOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const what = `${invocation.path}.${invocation.method}`;
    const body = this.encode(invocation, what, timeoutMs);
    const connection = await this.acquire(what, timeoutMs, options.signal);
    connection.send([
      encodeHeader(FLAG_REQUEST | SERIALIZATION_HESSIAN2, 0, this.newId(), body.length),
      body,
    ]);
  }

  /** Generic call ($invoke); see generic.ts. */
  $invoke(call: GenericCall, options?: Dubbo2CallOptions): Promise<unknown> {
    return this.call(genericInvocation(call), options);
  }

  /** Dubbo's $echo: the provider answers with the argument (EchoFilter); a liveness check. */
  $echo(
    path: string,
    value: unknown,
    options?: Dubbo2CallOptions & { version?: string; group?: string },
  ): Promise<unknown> {
    return this.call(
      {
        path,
        method: ECHO,
        parameterTypes: ["java.lang.Object"],
        args: [value],
        version: options?.version,
        group: options?.group,
      },
      options,
    );
  }

  /** Connections open (or being opened) now. */
  get connectionCount(): number {
    return this.slots.filter((s) => s !== undefined).length;
  }

  /** Stops taking calls; calls in flight are answered (or time out) before the connections close. */
  async close(): Promise<void> {
    this.closed = true;
    const waits: Promise<void>[] = [...this.draining];
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      this.slots[i] = undefined;
      if (slot instanceof ClientConnection) waits.push(slot.drain());
      else if (slot !== undefined)
        waits.push(
          slot.then(
            (c) => c.drain(),
            () => undefined,
          ),
        );
    }
    await Promise.all(waits);
  }

  private newId(): number {
    this.lastId = this.lastId >= MAX_ID ? 1 : this.lastId + 1;
    return this.lastId;
  }

  private encode(invocation: Dubbo2Invocation, what: string, timeoutMs: number): Buffer {
    const attachments: Record<string, unknown> = { path: invocation.path, interface: invocation.path };
    if (invocation.version) attachments.version = invocation.version;
    if (invocation.group) attachments.group = invocation.group;
    // Java sends the timeout as a string attachment; its provider-side TimeoutFilter reads it.
    attachments.timeout = String(timeoutMs);
    if (invocation.attachments !== undefined) Object.assign(attachments, invocation.attachments);
    let body: Buffer;
    try {
      body = encodeRequestBody(this.encoder, {
        dubboVersion: this.dubboVersion,
        path: invocation.path,
        version: invocation.version || null,
        method: invocation.method,
        parameterTypesDesc: invocation.parameterTypesDesc ?? this.descriptor(invocation.parameterTypes ?? []),
        args: invocation.args,
        attachments,
      });
    } catch (error) {
      throw new Dubbo2Error(
        Status.BAD_REQUEST,
        `dubbo2: ${what}: cannot encode the request: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (body.length > this.maxPayload) {
      // The provider would refuse it; Java's encoder throws ExceedPayloadLimitException with this text.
      throw new Dubbo2Error(
        Status.BAD_REQUEST,
        `dubbo2: ${what}: Data length too large: ${body.length}, max payload: ${this.maxPayload}`,
      );
    }
    return body;
  }

  private descriptor(types: readonly string[]): string {
    // Callers usually pass the same constant array every time: remember its descriptor.
    let desc = this.descriptors.get(types);
    if (desc === undefined) {
      desc = toDescriptor(types);
      if (this.descriptors.size < 256) this.descriptors.set(types, desc);
    }
    return desc;
  }

  private acquire(
    what: string,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): ClientConnection | Promise<ClientConnection> {
    if (this.closed)
      throw new Dubbo2Error(
        Status.CHANNEL_INACTIVE,
        `dubbo2: ${what}: the client to ${this.address} is closed`,
      );
    const index = this.nextSlot;
    this.nextSlot = (index + 1) % this.slots.length;
    const slot = this.slots[index];
    if (slot instanceof ClientConnection && slot.available) return slot;
    const dial = slot instanceof Promise ? slot : this.dial(index);
    return raceTimeout(dial, Math.min(timeoutMs, this.connectTimeoutMs), signal, what, this.address);
  }

  private dial(index: number): Promise<ClientConnection> {
    const dial = ClientConnection.open(
      this.options.host,
      this.options.port,
      this.connectTimeoutMs,
      this.settings,
    ).then(
      (connection) => {
        if (this.slots[index] === dial) this.slots[index] = connection;
        const release = () => {
          if (this.slots[index] === connection) this.slots[index] = undefined;
        };
        connection.onClose(release);
        connection.onReadonly(() => {
          // The provider is going away: new calls dial again, this connection finishes its calls.
          release();
          const done = connection.drain();
          this.draining.add(done);
          void done.then(() => this.draining.delete(done));
        });
        if (this.closed) void connection.drain();
        return connection;
      },
      (error: unknown) => {
        if (this.slots[index] === dial) this.slots[index] = undefined;
        throw error;
      },
    );
    this.slots[index] = dial;
    return dial;
  }
}

function raceTimeout(
  dial: Promise<ClientConnection>,
  ms: number,
  signal: AbortSignal | undefined,
  what: string,
  address: string,
): Promise<ClientConnection> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new Dubbo2Error(
            Status.CLIENT_TIMEOUT,
            `dubbo2: ${what}: no connection to ${address} within ${ms} ms`,
          ),
        ),
      ms,
    );
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new Dubbo2Error(Status.CLIENT_ERROR, `dubbo2: ${what} was cancelled`, { cause: signal?.reason }),
      );
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    dial.then(
      (c) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(c);
      },
      (e: unknown) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

export function createDubbo2Client(options: Dubbo2ClientOptions): Dubbo2Client {
  return new Dubbo2Client(options);
}
