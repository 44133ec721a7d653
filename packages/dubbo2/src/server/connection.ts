// One consumer connection on the server side: decodes requests as they arrive, dispatches them
// concurrently and writes each answer as soon as it is ready (responses may overtake each other;
// the request id pairs them up).

import type { Socket } from "node:net";
import { Hessian2Decoder, type Hessian2Encoder } from "@dubbo-mesh/hessian2";
import { Dubbo2Error } from "../errors.js";
import { eventKind, heartbeatResponse, readonlyEvent } from "../events.js";
import { toJavaThrowable } from "../exception.js";
import { FrameDecoder, type FrameSink } from "../frame-decoder.js";
import {
  encodeHeader,
  type FrameHeader,
  isEvent,
  isRequest,
  isTwoWay,
  type RequestId,
  SERIALIZATION_HESSIAN2,
  serializationOf,
} from "../header.js";
import { Heartbeat } from "../heartbeat.js";
import { Outbox } from "../outbox.js";
import { type DecodedRequest, decodeRequestBody } from "../request-codec.js";
import { encodeErrorBody, encodeResponseBody, type ResponseOutcome } from "../response-codec.js";
import { Status } from "../status.js";
import { DUBBO_PROTOCOL_VERSION, supportsResponseAttachments } from "../version.js";
import type { Dubbo2Outcome, Dubbo2ServerInvocation } from "./dispatch.js";
import { ECHO_METHOD, GENERIC_METHODS, type GenericTarget, generalize, unwrapGeneric } from "./generic.js";
import type { Dubbo2ServerOptions } from "./options.js";

/** What connections share with their server. */
export interface ServerRuntime {
  readonly options: Dubbo2ServerOptions;
  readonly maxPayload: number;
  readonly heartbeatMs: number;
  /** One encoder for all responses: encoding is synchronous, never interleaved. */
  readonly encoder: Hessian2Encoder;
  readonly onError: (error: Error, context: string) => void;
  readonly nextEventId: () => number;
  callStarted(): void;
  callEnded(): void;
}

export class ServerConnection implements FrameSink {
  private readonly frames: FrameDecoder;
  private readonly outbox: Outbox;
  private readonly heartbeat: Heartbeat;
  private readonly decoder = new Hessian2Decoder();
  private readonly label: string;
  private closed = false;
  private readonly remoteAddress: string;
  private readonly remotePort: number;

  constructor(
    private readonly socket: Socket,
    private readonly rt: ServerRuntime,
    onClose: (connection: ServerConnection) => void,
  ) {
    this.remoteAddress = socket.remoteAddress ?? "";
    this.remotePort = socket.remotePort ?? 0;
    this.label = `${this.remoteAddress}:${this.remotePort}`;
    socket.setNoDelay(true);
    this.frames = new FrameDecoder(this, rt.maxPayload);
    this.outbox = new Outbox(socket);
    this.heartbeat = new Heartbeat({
      intervalMs: rt.heartbeatMs,
      idleTimeoutMs: rt.options.idleTimeoutMs,
      idle: (ms) => {
        rt.onError(new Error(`dubbo2: closing ${this.label}: nothing received for ${ms} ms`), "idle");
        this.close();
      },
    });
    socket.on("data", (chunk: Buffer) => {
      this.heartbeat.read();
      try {
        this.frames.push(chunk);
      } catch (error) {
        // Nothing after this point can be framed: drop this connection, keep the others.
        rt.onError(error as Error, `connection ${this.label}`);
        this.close();
      }
    });
    socket.on("error", (error) => rt.onError(error, `connection ${this.label}`));
    socket.on("close", () => {
      this.closed = true;
      this.heartbeat.stop();
      this.frames.stop();
      this.outbox.clear();
      onClose(this);
    });
    this.heartbeat.start();
  }

  /** Tells the consumer this server is going away (READONLY_EVENT): it should send nothing new. */
  sendReadonly(): void {
    this.outbox.send(readonlyEvent(this.rt.nextEventId()));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.outbox.flush();
    this.socket.end();
    // A peer that does not close its side must not keep the socket: cut it shortly after.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  // ---- FrameSink

  frame(header: FrameHeader, body: Buffer): void {
    const { flag } = header;
    if (!isRequest(flag)) return; // e.g. an answer to a heartbeat; we send requests only as events
    if (isEvent(flag)) {
      if (eventKind(body) === "heartbeat" && isTwoWay(flag)) this.outbox.send(heartbeatResponse(header.id));
      return;
    }
    const twoWay = isTwoWay(flag);
    if (serializationOf(flag) !== SERIALIZATION_HESSIAN2) {
      this.refuse(
        header.id,
        twoWay,
        `unsupported serialization id ${serializationOf(flag)} (only hessian2, 2)`,
      );
      return;
    }
    let request: DecodedRequest;
    try {
      request = decodeRequestBody(this.decoder, body, this.rt.options.decoderOptions);
    } catch (error) {
      this.refuse(header.id, twoWay, (error as Error).message);
      return;
    }
    if (request.method === ECHO_METHOD && request.args.length === 1) {
      // EchoFilter: answered by the framework, whatever the service.
      if (twoWay) this.respond(header.id, request.dubboVersion, { value: request.args[0] }, undefined);
      return;
    }
    let generic: GenericTarget | undefined;
    if (GENERIC_METHODS.has(request.method)) {
      try {
        generic = unwrapGeneric(request);
      } catch (error) {
        this.refuse(header.id, twoWay, (error as Error).message);
        return;
      }
    }
    const version = request.version;
    const group = request.attachments.group;
    const invocation: Dubbo2ServerInvocation = {
      path: request.path,
      version: version === null || version === "0.0.0" ? "" : version,
      group: typeof group === "string" ? group : "",
      method: generic?.method ?? request.method,
      parameterTypes: generic?.parameterTypes ?? request.parameterTypes,
      args: generic?.args ?? request.args,
      attachments: request.attachments,
      dubboVersion: request.dubboVersion,
      generic: generic?.generic,
      oneWay: !twoWay,
      remoteAddress: this.remoteAddress,
      remotePort: this.remotePort,
    };
    this.dispatch(header.id, invocation, twoWay);
  }

  oversize(header: FrameHeader, maxPayload: number): void {
    if (!isRequest(header.flag) || isEvent(header.flag)) return;
    this.refuse(
      header.id,
      isTwoWay(header.flag),
      `Data length too large: ${header.bodyLength}, max payload: ${maxPayload}, channel: ${this.label}`,
    );
  }

  // ---- calls

  private dispatch(id: RequestId, invocation: Dubbo2ServerInvocation, twoWay: boolean): void {
    this.rt.callStarted();
    let result: Dubbo2Outcome | Promise<Dubbo2Outcome>;
    try {
      result = this.rt.options.dispatch(invocation);
    } catch (error) {
      this.failed(id, invocation, twoWay, error);
      return;
    }
    if (isThenable(result)) {
      Promise.resolve(result).then(
        (outcome) => this.done(id, invocation, twoWay, outcome),
        (error: unknown) => this.failed(id, invocation, twoWay, error),
      );
    } else {
      this.done(id, invocation, twoWay, result);
    }
  }

  private done(
    id: RequestId,
    invocation: Dubbo2ServerInvocation,
    twoWay: boolean,
    outcome: Dubbo2Outcome,
  ): void {
    this.rt.callEnded();
    if (!twoWay) return;
    let value: unknown;
    if (outcome !== null && typeof outcome === "object" && "exception" in outcome) {
      this.respond(id, invocation.dubboVersion, { exception: outcome.exception }, outcome.attachments);
      return;
    }
    if (outcome !== null && typeof outcome === "object" && "value" in outcome) {
      value = outcome.value;
    } else {
      this.respondStatus(
        id,
        Status.SERVICE_ERROR,
        `the dispatcher returned neither { value } nor { exception }`,
      );
      return;
    }
    // GenericFilter: a generic "true" caller gets POJOs as maps with a "class" entry.
    if (invocation.generic === "true") value = generalize(value);
    this.respond(id, invocation.dubboVersion, { value }, outcome.attachments);
  }

  private failed(id: RequestId, invocation: Dubbo2ServerInvocation, twoWay: boolean, error: unknown): void {
    this.rt.callEnded();
    if (error instanceof Dubbo2Error) {
      if (twoWay) {
        if (error.status === Status.OK && error.exceptionValue !== undefined) {
          this.respond(
            id,
            invocation.dubboVersion,
            { exception: error.exception ?? error.exceptionValue },
            undefined,
          );
        } else {
          this.respondStatus(
            id,
            error.status === Status.OK ? Status.SERVICE_ERROR : error.status,
            error.message,
          );
        }
      }
      return;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    this.rt.onError(e, `${invocation.path}.${invocation.method}`);
    // Like an exception escaping Dubbo Java's reply handler (HeaderExchangeHandler): SERVICE_ERROR.
    if (twoWay) this.respondStatus(id, Status.SERVICE_ERROR, `${e.name}: ${e.message}`);
  }

  private respond(
    id: RequestId,
    dubboVersion: string,
    result: { value: unknown } | { exception: unknown },
    attachments: Readonly<Record<string, unknown>> | undefined,
  ): void {
    if (this.closed) return;
    const withAttachments = supportsResponseAttachments(dubboVersion)
      ? { ...attachments, dubbo: DUBBO_PROTOCOL_VERSION }
      : undefined;
    const outcome: ResponseOutcome =
      "exception" in result
        ? { kind: "exception", exception: toJavaThrowable(result.exception) }
        : { kind: "value", value: result.value };
    let body: Buffer;
    try {
      body = encodeResponseBody(this.rt.encoder, outcome, withAttachments);
    } catch (error) {
      // ExchangeCodec.encodeResponse: a response that cannot be encoded is replaced by BAD_RESPONSE.
      this.respondStatus(
        id,
        Status.BAD_RESPONSE,
        `Failed to send response, cause: ${(error as Error).message}`,
      );
      return;
    }
    if (body.length > this.rt.maxPayload) {
      this.respondStatus(
        id,
        Status.BAD_RESPONSE,
        `Data length too large: ${body.length}, max payload: ${this.rt.maxPayload}, channel: ${this.label}`,
      );
      return;
    }
    this.outbox.send([encodeHeader(SERIALIZATION_HESSIAN2, Status.OK, id, body.length), body]);
  }

  private respondStatus(id: RequestId, status: number, message: string): void {
    if (this.closed) return;
    const body = encodeErrorBody(this.rt.encoder, message);
    this.outbox.send([encodeHeader(SERIALIZATION_HESSIAN2, status, id, body.length), body]);
  }

  /** A request we will not run: BAD_REQUEST when the consumer waits for an answer. */
  private refuse(id: RequestId, twoWay: boolean, reason: string): void {
    this.rt.onError(new Error(`dubbo2: bad request ${String(id)} from ${this.label}: ${reason}`), "request");
    // HeaderExchangeHandler's wording for a request that failed to decode.
    if (twoWay) this.respondStatus(id, Status.BAD_REQUEST, `Fail to decode request due to: ${reason}`);
  }
}

function isThenable(value: unknown): value is PromiseLike<Dubbo2Outcome> {
  return (
    value !== null && typeof value === "object" && typeof (value as { then?: unknown }).then === "function"
  );
}
