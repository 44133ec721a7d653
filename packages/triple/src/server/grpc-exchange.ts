import type { IncomingHttpHeaders, OutgoingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { Code } from "../protocol/code.js";
import { compress, decompress, type Encoding } from "../protocol/compression.js";
import { type Envelope, EnvelopeParser, encodeEnvelope, flagCompressed } from "../protocol/envelope.js";
import { encodeGrpcMessage } from "../protocol/grpc-message.js";
import { H } from "../protocol/headers.js";
import { RpcError } from "../protocol/rpc-error.js";
import { encodeStatusDetails } from "../protocol/status-details.js";
import { requestTimeoutMs } from "../protocol/timeout.js";
import { invokeHandler } from "./invoke.js";
import { MessageQueue } from "./message-queue.js";
import { endRequestSide } from "./request-side.js";
import { type PeerInfo, ServerCall } from "./server-call.js";
import type { ServerMethod } from "./server-method.js";
import type { ServerRuntime } from "./server-options.js";

/**
 * The exchange a stream carries. The stream listeners below are module-level functions shared by every
 * call (Node calls a listener with the stream as `this`), so a call makes no closures: they cost an
 * allocation each, and under tsx (which the benchmarks and tests run on) every named one also costs an
 * Object.defineProperty for its name.
 */
const kExchange = Symbol("grpcExchange");

interface ExchangeStream extends ServerHttp2Stream {
  [kExchange]: GrpcExchange;
}

/** `respond()` copies what it is given, so the common header and trailer sets are made once. */
const respondWithTrailers = Object.freeze({ waitForTrailers: true });
const respondEndStream = Object.freeze({ endStream: true });
const okTrailersPlain: OutgoingHttpHeaders = Object.freeze({ [H.grpcStatus]: "0" });
const plainHeaders = new Map<string, OutgoingHttpHeaders>();

function okHeadersFor(contentType: string): OutgoingHttpHeaders {
  let h = plainHeaders.get(contentType);
  if (h === undefined) {
    h = Object.freeze({ ":status": 200, [H.contentType]: contentType });
    // Only the content-types we answer with (two of them); guard anyway against unbounded growth.
    if (plainHeaders.size < 16) plainHeaders.set(contentType, h);
  }
  return h;
}

/**
 * One gRPC call on an HTTP/2 stream, all four kinds: envelope parsing, optional gzip, deadline,
 * cancellation, headers / messages / trailers (or Trailers-Only for an early error).
 */
export function serveGrpc(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  method: ServerMethod,
  contentType: string,
  codec: "proto" | "json",
  group: string,
  version: string,
  peer: PeerInfo,
  rt: ServerRuntime,
): void {
  const encHeader = headers[H.grpcEncoding];
  let reqEnc: Encoding = "identity";
  if (encHeader !== undefined && encHeader !== "identity") {
    if (encHeader !== "gzip") {
      stream.respond(
        {
          ":status": 200,
          [H.contentType]: contentType,
          [H.grpcStatus]: String(Code.Unimplemented),
          [H.grpcMessage]: encodeGrpcMessage(
            `unsupported grpc-encoding "${encHeader}"; supported: gzip, identity`,
          ),
          [H.grpcAcceptEncoding]: "gzip",
        },
        respondEndStream,
      );
      endRequestSide(stream);
      return;
    }
    reqEnc = "gzip";
  }
  const accept = headers[H.grpcAcceptEncoding];
  const resEnc: Encoding =
    reqEnc === "gzip" && typeof accept === "string" && accept.includes("gzip") ? "gzip" : "identity";
  const call = new ServerCall(method.info, "grpc", codec, group, version, headers, peer);
  const ex = new GrpcExchange(stream, call, method, contentType, codec, reqEnc, resEnc, rt);
  (stream as ExchangeStream)[kExchange] = ex;

  stream.on("error", onStreamError);
  const timeout = requestTimeoutMs(headers);
  if (timeout !== undefined) {
    call.startDeadline(timeout, ex);
    ex.watchClose();
  }

  const kind = method.info.kind;
  if (kind === "unary" || kind === "server_streaming") {
    // Cancellation matters only once a handler runs; run() watches for it then, unless the
    // handler already answered (a synchronous unary handler, the common case).
    stream.on("data", onSingleData);
    stream.on("end", onSingleEnd);
    return;
  }
  ex.watchClose();
  const queue = new MessageQueue<unknown>((pause) => (pause ? stream.pause() : stream.resume()));
  ex.queue = queue;
  stream.on("data", onStreamingData);
  stream.on("end", onStreamingEnd);
  ex.run(queue);
}

// --- stream listeners (`this` is the stream) ---

function onStreamError(this: ExchangeStream, e: Error): void {
  this[kExchange].rt.onError(e, "grpc stream");
}

function onStreamClose(this: ExchangeStream): void {
  const { call, queue } = this[kExchange];
  if (!call.done) call.abort(new RpcError(Code.Canceled, "the client cancelled the call"));
  queue?.fail(call.abortReason ?? new RpcError(Code.Canceled, "the client cancelled the call"));
}

/** Unary and server streaming: exactly one request message. */
function onSingleData(this: ExchangeStream, chunk: Buffer): void {
  const ex = this[kExchange];
  if (ex.call.done) return;
  try {
    ex.parser.push(chunk, ex.envs);
    if (ex.envs.length > 1)
      throw new RpcError(
        Code.Unimplemented,
        `${ex.method.info.kind} method received more than one request message`,
      );
  } catch (e) {
    ex.fail(e);
  }
}

function onSingleEnd(this: ExchangeStream): void {
  const ex = this[kExchange];
  if (ex.call.done) return;
  // Reset by the client after its last DATA frame but before 'end' was delivered: nobody to answer.
  if (this.destroyed) return onStreamClose.call(this);
  if (ex.parser.pendingBytes > 0) return ex.fail(truncated(ex.parser.pendingBytes));
  const envs = ex.envs;
  if (envs.length !== 1) {
    return ex.fail(
      new RpcError(
        Code.Unimplemented,
        `${ex.method.info.kind} method received ${envs.length} request messages, expected 1`,
      ),
    );
  }
  let message: unknown;
  try {
    message = ex.decode(envs[0]);
  } catch (e) {
    return ex.fail(e);
  }
  ex.run(message);
}

/** Client and bidi streaming: messages go to the handler's queue as they arrive. */
function onStreamingData(this: ExchangeStream, chunk: Buffer): void {
  const ex = this[kExchange];
  if (ex.call.done) return;
  const queue = ex.queue as MessageQueue<unknown>;
  const envs = ex.envs;
  try {
    ex.parser.push(chunk, envs);
    for (const env of envs) queue.push(ex.decode(env));
    envs.length = 0;
  } catch (e) {
    queue.fail(e);
    ex.fail(e);
  }
}

function onStreamingEnd(this: ExchangeStream): void {
  const ex = this[kExchange];
  const queue = ex.queue as MessageQueue<unknown>;
  if (ex.parser.pendingBytes > 0) {
    const err = truncated(ex.parser.pendingBytes);
    queue.fail(err);
    ex.fail(err);
  } else queue.end();
}

function onWantTrailers(this: ExchangeStream): void {
  if (this.destroyed) return;
  const ex = this[kExchange];
  this.sendTrailers(ex.trailers ?? okTrailers(ex.call));
  // Answered before the client ended its side (an early error, a handler that returned without
  // reading every message): reset with NO_ERROR after the trailers. Node submits them from a
  // setImmediate (and skips them once the stream is closed), so the reset waits for the next one.
  if (!this.readableEnded) setImmediate(endRequestSide, this);
}

function truncated(pending: number): RpcError {
  return new RpcError(
    Code.Internal,
    `truncated message: the stream ended inside a message (${pending} bytes pending)`,
  );
}

class GrpcExchange {
  private headersSent = false;
  /** The final status went out (or the stream is gone): nothing more may be written. */
  private statusSent = false;
  private closeWatched = false;
  /** Trailers to send when the stream asks for them (set when the status is decided). */
  trailers: OutgoingHttpHeaders | undefined;
  /** Client and bidi streaming: the handler's request stream. */
  queue: MessageQueue<unknown> | undefined;
  readonly parser: EnvelopeParser;
  /** Complete envelopes the parser handed out and nobody consumed yet. */
  readonly envs: Envelope[] = [];

  constructor(
    private readonly stream: ServerHttp2Stream,
    readonly call: ServerCall,
    readonly method: ServerMethod,
    private readonly contentType: string,
    private readonly codec: "proto" | "json",
    private readonly requestEncoding: Encoding,
    private readonly encoding: Encoding,
    readonly rt: ServerRuntime,
  ) {
    this.parser = new EnvelopeParser(rt.readMaxBytes);
  }

  decode(env: Envelope): unknown {
    let data: Uint8Array = env.data;
    if (env.flags & flagCompressed) {
      if (this.requestEncoding === "identity")
        throw new RpcError(Code.Internal, "compressed message without a grpc-encoding header");
      data = decompress(this.requestEncoding, data, this.rt.readMaxBytes);
    }
    const method = this.method;
    return (this.codec === "json" ? method.input.json : method.input.proto).parse(data);
  }

  /** Tells the call when the stream closes before the response is complete (the client cancelled). */
  watchClose(): void {
    if (this.closeWatched) return;
    this.closeWatched = true;
    this.stream.on("close", onStreamClose);
  }

  run(input: unknown): void {
    const method = this.method;
    let result: unknown;
    try {
      result = invokeHandler(method, this.call, input, this.rt);
    } catch (e) {
      return this.fail(e);
    }
    const kind = method.info.kind;
    if ((kind === "unary" || kind === "client_streaming") && !(result instanceof Promise)) {
      this.sendUnary(result);
      return;
    }
    this.watchClose();
    if (kind === "unary" || kind === "client_streaming") {
      (result as Promise<unknown>).then(
        (m) => this.sendUnary(m),
        (e) => this.fail(e),
      );
    } else if (result instanceof Promise) {
      result.then(
        (it) => this.pump(it as AsyncIterable<unknown>),
        (e) => this.fail(e),
      );
    } else {
      this.pump(result as AsyncIterable<unknown>);
    }
  }

  private frame(message: unknown): Buffer {
    const output = this.codec === "json" ? this.method.output.json : this.method.output.proto;
    const bytes = output.serialize(message);
    if (bytes.byteLength > this.rt.writeMaxBytes) {
      throw new RpcError(
        Code.ResourceExhausted,
        `response message of ${bytes.byteLength} bytes exceeds the send limit of ${this.rt.writeMaxBytes} bytes`,
      );
    }
    if (this.encoding !== "identity" && bytes.byteLength >= this.rt.compressMinBytes) {
      return encodeEnvelope(compress(this.encoding, bytes), true);
    }
    return encodeEnvelope(bytes);
  }

  private sendHeaders(): void {
    if (this.headersSent) return;
    this.headersSent = true;
    const md = this.call.responseHeaderIfAny;
    let h: OutgoingHttpHeaders;
    if (this.encoding === "identity" && md === undefined) h = okHeadersFor(this.contentType);
    else {
      h = { ":status": 200, [H.contentType]: this.contentType };
      if (this.encoding !== "identity") h[H.grpcEncoding] = this.encoding;
      md?.writeTo(h as Record<string, string>);
    }
    this.stream.respond(h, respondWithTrailers);
    this.stream.on("wantTrailers", onWantTrailers);
  }

  private sendUnary(message: unknown): void {
    const { call, stream } = this;
    if (this.statusSent || call.done || stream.destroyed) return;
    let frame: Buffer;
    try {
      frame = this.frame(message);
    } catch (e) {
      return this.fail(e);
    }
    this.sendHeaders();
    this.trailers = okTrailers(call);
    this.statusSent = true;
    call.finish();
    stream.end(frame);
  }

  private async pump(iterable: AsyncIterable<unknown>): Promise<void> {
    const { call, stream } = this;
    try {
      for await (const message of iterable) {
        if (this.statusSent || call.done || stream.destroyed) return;
        const frame = this.frame(message);
        this.sendHeaders();
        if (!stream.write(frame)) await drained(stream);
      }
    } catch (e) {
      return this.fail(e);
    }
    if (this.statusSent || call.done || stream.destroyed) return;
    this.statusSent = true;
    if (!this.headersSent) {
      // Trailers-Only success: an empty stream.
      call.finish();
      stream.respond(
        { ":status": 200, [H.contentType]: this.contentType, ...okTrailers(call) },
        respondEndStream,
      );
      if (!stream.readableEnded) endRequestSide(stream);
      return;
    }
    this.trailers = okTrailers(call);
    call.finish();
    stream.end();
  }

  /** Ends the call with an error status: Trailers-Only if nothing was sent yet, else in the trailers. */
  fail(reason: unknown): void {
    const { call, stream } = this;
    if (this.statusSent) return;
    this.statusSent = true;
    if (stream.destroyed || stream.closed) {
      call.finish();
      return;
    }
    const err = RpcError.from(reason);
    if (!(reason instanceof RpcError)) this.rt.onError(reason, "handler");
    const t: OutgoingHttpHeaders = {
      [H.grpcStatus]: String(err.code),
      [H.grpcMessage]: encodeGrpcMessage(err.rawMessage),
    };
    if (err.details.length > 0)
      t[H.grpcStatusDetails] = encodeStatusDetails(err.code, err.rawMessage, err.details);
    err.metadata.writeTo(t as Record<string, string>);
    call.responseTrailerIfAny?.writeTo(t as Record<string, string>);
    call.finish();
    if (!this.headersSent) {
      this.headersSent = true;
      const h: OutgoingHttpHeaders = { ":status": 200, [H.contentType]: this.contentType, ...t };
      call.responseHeaderIfAny?.writeTo(h as Record<string, string>);
      stream.respond(h, respondEndStream);
      // Trailers-Only: the status is out, so a client still sending is told to stop.
      if (!stream.readableEnded) endRequestSide(stream);
    } else {
      this.trailers = t;
      stream.end();
      // The trailers follow once the stream asks for them (onWantTrailers resets the request side
      // then); until then drain whatever the client still sends, the call is over.
      if (!stream.readableEnded) stream.resume();
    }
  }
}

function okTrailers(call: ServerCall): OutgoingHttpHeaders {
  const md = call.responseTrailerIfAny;
  if (md === undefined) return okTrailersPlain;
  const t: OutgoingHttpHeaders = { [H.grpcStatus]: "0" };
  md.writeTo(t as Record<string, string>);
  return t;
}

function drained(stream: ServerHttp2Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}
