// One TCP connection of a client: many calls in flight, matched to responses by request id.

import { connect, type Socket } from "node:net";
import { asJavaException, type DecoderOptions, Hessian2Decoder, Hessian2Encoder } from "@dubbo-mesh/hessian2";
import { Dubbo2Error } from "../errors.js";
import { eventKind, heartbeatRequest, heartbeatResponse } from "../events.js";
import { FrameDecoder, type FrameSink } from "../frame-decoder.js";
import {
  encodeHeader,
  type FrameHeader,
  isEvent,
  isRequest,
  isTwoWay,
  SERIALIZATION_HESSIAN2,
  serializationOf,
} from "../header.js";
import { Heartbeat } from "../heartbeat.js";
import { Outbox } from "../outbox.js";
import { decodeErrorBody, decodeResponseBody, encodeErrorBody } from "../response-codec.js";
import { Status, statusName } from "../status.js";
import type { Dubbo2Result } from "./options.js";

export interface ConnectionSettings {
  readonly label: string;
  readonly maxPayload: number;
  readonly heartbeatMs: number;
  readonly idleTimeoutMs: number | undefined;
  readonly decoderOptions: DecoderOptions;
  readonly nextId: () => number;
}

interface PendingCall {
  readonly resolve: (result: Dubbo2Result) => void;
  readonly reject: (error: Dubbo2Error) => void;
  readonly what: string;
  timer: NodeJS.Timeout | undefined;
  detach: (() => void) | undefined;
}

export class ClientConnection implements FrameSink {
  private readonly pending = new Map<number, PendingCall>();
  private readonly frames: FrameDecoder;
  private readonly outbox: Outbox;
  private readonly heartbeat: Heartbeat;
  /** One decoder per connection: frames are decoded synchronously, one at a time. */
  private readonly decoder = new Hessian2Decoder();
  private lastError: Error | undefined;
  /** The provider sent READONLY_EVENT: finish what is in flight, send nothing new. */
  private isReadonly = false;
  private isClosed = false;
  private readonly closeListeners: Array<(connection: ClientConnection) => void> = [];
  private readonly readonlyListeners: Array<(connection: ClientConnection) => void> = [];

  static open(
    host: string,
    port: number,
    timeoutMs: number,
    settings: ConnectionSettings,
  ): Promise<ClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port, noDelay: true, keepAlive: true });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new Dubbo2Error(
            Status.CHANNEL_INACTIVE,
            `dubbo2: connect to ${settings.label} timed out after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.off("error", onError);
        resolve(new ClientConnection(socket, settings));
      });
      const onError = (error: Error) => {
        clearTimeout(timer);
        reject(
          new Dubbo2Error(
            Status.CHANNEL_INACTIVE,
            `dubbo2: cannot connect to ${settings.label}: ${error.message}`,
            {
              cause: error,
            },
          ),
        );
      };
      socket.once("error", onError);
    });
  }

  constructor(
    private readonly socket: Socket,
    private readonly settings: ConnectionSettings,
  ) {
    this.frames = new FrameDecoder(this, settings.maxPayload);
    this.heartbeat = new Heartbeat({
      intervalMs: settings.heartbeatMs,
      idleTimeoutMs: settings.idleTimeoutMs,
      ping: () => this.outbox.send(heartbeatRequest(settings.nextId())),
      idle: (ms) =>
        this.close(
          `no data from ${settings.label} for ${ms} ms (heartbeats unanswered), closing the connection`,
        ),
    });
    this.outbox = new Outbox(socket, () => this.heartbeat.wrote());
    socket.on("data", (chunk: Buffer) => {
      this.heartbeat.read();
      try {
        this.frames.push(chunk);
      } catch (error) {
        this.close(`unreadable input from ${settings.label}: ${(error as Error).message}`, error);
      }
    });
    socket.on("error", (error) => {
      this.lastError = error;
    });
    socket.on("close", () => {
      const why = this.lastError ? `: ${this.lastError.message}` : "";
      this.close(`the connection to ${settings.label} closed${why}`, this.lastError);
    });
    this.heartbeat.start();
  }

  /** Usable for new calls. */
  get available(): boolean {
    return !this.isClosed && !this.isReadonly;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  onClose(listener: (connection: ClientConnection) => void): void {
    this.closeListeners.push(listener);
  }

  onReadonly(listener: (connection: ClientConnection) => void): void {
    this.readonlyListeners.push(listener);
  }

  /** Sends a two-way request and resolves with its response. */
  call(
    id: number,
    parts: readonly Buffer[],
    what: string,
    leftMs: number,
    signal: AbortSignal | undefined,
    timeoutMs = leftMs,
  ): Promise<Dubbo2Result> {
    return new Promise<Dubbo2Result>((resolve, reject) => {
      if (signal?.aborted) {
        reject(
          new Dubbo2Error(Status.CLIENT_ERROR, `dubbo2: ${what} was cancelled`, { cause: signal.reason }),
        );
        return;
      }
      const call: PendingCall = { resolve, reject, what, timer: undefined, detach: undefined };
      call.timer = setTimeout(() => {
        if (this.pending.get(id) !== call) return;
        this.settle(id, call);
        reject(
          new Dubbo2Error(
            Status.CLIENT_TIMEOUT,
            `dubbo2: waiting for the response of ${what} (request id ${id}) from ${this.settings.label} timed out after ${timeoutMs} ms`,
          ),
        );
      }, leftMs);
      if (signal !== undefined) {
        const onAbort = () => {
          if (this.pending.get(id) !== call) return;
          this.settle(id, call);
          reject(
            new Dubbo2Error(Status.CLIENT_ERROR, `dubbo2: ${what} was cancelled`, { cause: signal.reason }),
          );
        };
        signal.addEventListener("abort", onAbort, { once: true });
        call.detach = () => signal.removeEventListener("abort", onAbort);
      }
      this.pending.set(id, call);
      this.outbox.send(parts);
    });
  }

  /** Sends a one-way request (no response is coming). */
  send(parts: readonly Buffer[]): void {
    this.outbox.send(parts);
  }

  /** Stops taking new calls and closes once the calls in flight are answered (or time out). */
  drain(): Promise<void> {
    this.isReadonly = true;
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      this.onClose(() => resolve());
      if (this.pending.size === 0) this.close("the client closed the connection");
    });
  }

  /** Closes now; calls in flight fail with CHANNEL_INACTIVE. */
  close(reason: string, cause?: unknown): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.heartbeat.stop();
    this.frames.stop();
    this.outbox.flush();
    this.outbox.clear();
    this.socket.destroy();
    const calls = [...this.pending];
    this.pending.clear();
    for (const [, call] of calls) {
      clearTimeout(call.timer);
      call.detach?.();
      call.reject(
        new Dubbo2Error(
          Status.CHANNEL_INACTIVE,
          `dubbo2: ${call.what} failed: ${reason}`,
          cause === undefined ? {} : { cause },
        ),
      );
    }
    for (const listener of this.closeListeners) listener(this);
  }

  // ---- FrameSink

  frame(header: FrameHeader, body: Buffer): void {
    const { flag } = header;
    if (isRequest(flag)) {
      this.request(header, body);
      return;
    }
    if (isEvent(flag)) return; // a heartbeat answer: reading it was the point
    const id = header.id;
    const call = typeof id === "number" ? this.pending.get(id) : undefined;
    if (call === undefined) return; // answered after its timeout or cancellation
    this.settle(id as number, call);
    if (serializationOf(flag) !== SERIALIZATION_HESSIAN2) {
      call.reject(
        new Dubbo2Error(
          Status.BAD_RESPONSE,
          `dubbo2: ${call.what}: the response uses serialization id ${serializationOf(flag)}; only hessian2 (2) is supported`,
        ),
      );
      return;
    }
    if (header.status !== Status.OK) {
      const message = decodeErrorBody(this.decoder, body);
      call.reject(
        new Dubbo2Error(
          header.status,
          `dubbo2: ${call.what} failed with ${statusName(header.status)}: ${message}`,
        ),
      );
      return;
    }
    let response: ReturnType<typeof decodeResponseBody>;
    try {
      response = decodeResponseBody(this.decoder, body, this.settings.decoderOptions);
    } catch (error) {
      // Java's client reports a response it cannot decode as CLIENT_ERROR (ExchangeCodec.decodeBody).
      call.reject(
        new Dubbo2Error(
          Status.CLIENT_ERROR,
          `dubbo2: ${call.what}: cannot decode the response: ${(error as Error).message}`,
          {
            cause: error,
          },
        ),
      );
      return;
    }
    if (response.kind === "value") {
      call.resolve({ value: response.value, attachments: response.attachments });
    } else {
      const exception = asJavaException(response.exception);
      const message = exception ? `${exception.className}: ${exception.message}` : String(response.exception);
      call.reject(
        new Dubbo2Error(Status.OK, `dubbo2: ${call.what} threw ${message}`, {
          exception: exception ?? response.exception,
        }),
      );
    }
  }

  oversize(header: FrameHeader, maxPayload: number): void {
    if (isRequest(header.flag)) return;
    const id = header.id;
    const call = typeof id === "number" ? this.pending.get(id) : undefined;
    if (call === undefined) return;
    this.settle(id as number, call);
    // What Java's client does (ExchangeCodec.finishRespWhenOverPayload): CLIENT_ERROR, this message.
    call.reject(
      new Dubbo2Error(
        Status.CLIENT_ERROR,
        `dubbo2: ${call.what}: Data length too large: ${header.bodyLength}, max payload: ${maxPayload}, channel: ${this.settings.label}`,
      ),
    );
  }

  private request(header: FrameHeader, body: Buffer): void {
    if (isEvent(header.flag)) {
      const kind = eventKind(body);
      if (kind === "heartbeat" && isTwoWay(header.flag)) this.outbox.send(heartbeatResponse(header.id));
      else if (kind === "readonly") this.markReadonly();
      return;
    }
    // A provider calling back into the consumer (Dubbo's callback services): not supported.
    if (isTwoWay(header.flag)) {
      const message = encodeErrorBody(
        new Hessian2Encoder(),
        "callbacks to a dubbo-mesh consumer are not supported",
      );
      this.outbox.send([
        encodeHeader(SERIALIZATION_HESSIAN2, Status.BAD_REQUEST, header.id, message.length),
        message,
      ]);
    }
  }

  private markReadonly(): void {
    if (this.isReadonly) return;
    this.isReadonly = true;
    for (const listener of this.readonlyListeners) listener(this);
    if (this.pending.size === 0) this.close(`${this.settings.label} is shutting down (readonly event)`);
  }

  private settle(id: number, call: PendingCall): void {
    this.pending.delete(id);
    clearTimeout(call.timer);
    call.detach?.();
    if (this.isReadonly && this.pending.size === 0) {
      // Let the answer be delivered before the connection goes.
      queueMicrotask(() => this.close(`${this.settings.label} is shutting down (readonly event)`));
    }
  }
}
