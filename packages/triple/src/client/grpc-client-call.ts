import http2, {
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";
import type { Serializer } from "../codec/serializer.js";
import type { UnaryResponse } from "../interceptor/interceptor.js";
import { Metadata } from "../metadata/metadata.js";
import { Code, isCode } from "../protocol/code.js";
import { compress, decompress, type Encoding } from "../protocol/compression.js";
import { type Envelope, EnvelopeParser, encodeEnvelope, flagCompressed } from "../protocol/envelope.js";
import { decodeGrpcMessage } from "../protocol/grpc-message.js";
import { H } from "../protocol/headers.js";
import { RpcError } from "../protocol/rpc-error.js";
import { decodeStatusDetails } from "../protocol/status-details.js";
import { formatGrpcTimeout } from "../protocol/timeout.js";
import { CallLifecycle } from "./call-lifecycle.js";
import type { CallOptions } from "./call-options.js";
import type { PooledSession, SessionPool } from "./session-pool.js";
import type { WireMethod } from "./wire-method.js";

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR, NGHTTP2_REFUSED_STREAM } = http2.constants;

/** Settings shared by every call of a transport. */
export interface ClientRuntime {
  readonly pool: SessionPool;
  readonly codec: "proto" | "json";
  readonly contentType: string;
  readonly sendEncoding: Encoding;
  readonly compressMinBytes: number;
  readMaxBytes: number;
  writeMaxBytes: number;
  readonly userAgent: string;
  /** Per method path: the frozen request headers of a call with no per-call header (see baseHeaders). */
  readonly baseHeaders: Map<string, OutgoingHttpHeaders>;
}

export interface GrpcCallSink<T> {
  /** Response headers arrived (not called for a Trailers-Only response). */
  onHeader(header: Metadata): void;
  onMessage(message: unknown): void;
  /** Status OK: what the call resolves with; a throw fails the call with that error instead. */
  onOk(header: Metadata, trailer: Metadata): T;
}

/** A request: one framed message sent with the half-close, or a function that writes the stream. */
export type RequestInput = Buffer | ((stream: ClientHttp2Stream) => void);

/** Serialises and frames one request message, enforcing the send limit and compression. */
export function frameRequest(rt: ClientRuntime, serializer: Serializer<unknown>, message: unknown): Buffer {
  const bytes = serializer.serialize(message);
  if (bytes.byteLength > rt.writeMaxBytes) {
    throw new RpcError(
      Code.ResourceExhausted,
      `request message of ${bytes.byteLength} bytes exceeds the send limit of ${rt.writeMaxBytes} bytes`,
    );
  }
  if (rt.sendEncoding !== "identity" && bytes.byteLength >= rt.compressMinBytes) {
    return encodeEnvelope(compress(rt.sendEncoding, bytes), true);
  }
  return encodeEnvelope(bytes);
}

/**
 * Runs one gRPC call over a pooled HTTP/2 stream. `input` is the request (a framed message, sent
 * with the half-close) or a function that writes it; it is sent once, or again on a transparent
 * retry when `replayable`. Resolves with what `sink.onOk` makes of the headers and trailers on status
 * OK; rejects with an RpcError otherwise. A stream the server refused (REFUSED_STREAM, or above a
 * GOAWAY's last stream id) never reached the application, so a replayable call is retried once on a
 * new connection.
 */
export function runGrpcCall<T>(
  rt: ClientRuntime,
  method: WireMethod,
  options: CallOptions,
  header: Metadata | undefined,
  input: RequestInput,
  replayable: boolean,
  sink: GrpcCallSink<T>,
): Promise<T> {
  const call = new GrpcClientCall(rt, method, options, header, input, replayable, sink);
  const promise = new Promise<T>((resolve, reject) => {
    call.resolve = resolve;
    call.reject = reject;
  });
  call.attempt();
  return promise;
}

/** The sink of a unary call: exactly one response message. */
export class UnarySink implements GrpcCallSink<UnaryResponse> {
  private message: unknown;
  private count = 0;

  onHeader(): void {
    // The header is handed to onOk with the trailer.
  }

  onMessage(message: unknown): void {
    this.message = message;
    this.count++;
  }

  onOk(header: Metadata, trailer: Metadata): UnaryResponse {
    if (this.count !== 1) {
      throw new RpcError(
        Code.Unimplemented,
        `unary call received ${this.count} response messages, expected 1`,
      );
    }
    return { stream: false, header, message: this.message, trailer };
  }
}

/**
 * Request headers without a deadline, group, version or metadata, made once per transport and method
 * and frozen: `request()` copies what it is given, so every such call can share them.
 */
function baseHeaders(rt: ClientRuntime, path: string): OutgoingHttpHeaders {
  let h = rt.baseHeaders.get(path);
  if (h === undefined) {
    const fresh: OutgoingHttpHeaders = {
      ":method": "POST",
      ":path": path,
      [H.contentType]: rt.contentType,
      [H.te]: "trailers",
      [H.userAgent]: rt.userAgent,
      [H.grpcAcceptEncoding]: "gzip",
    };
    if (rt.sendEncoding !== "identity") fresh[H.grpcEncoding] = rt.sendEncoding;
    h = Object.freeze(fresh);
    // Bounded by the methods a client calls; guard anyway against callers inventing paths.
    if (rt.baseHeaders.size < 1024) rt.baseHeaders.set(path, h);
  }
  return h;
}

/**
 * The state of one call, reached from its stream through `kCall`. The stream listeners below are
 * module-level functions shared by every call (Node calls a listener with the stream as `this`), so
 * a call makes no closures but its promise executor: they cost an allocation each, and under tsx
 * (which the tests and benchmarks run on) every named one also an Object.defineProperty for its name.
 */
const kCall = Symbol("grpcClientCall");

interface CallStream extends ClientHttp2Stream {
  [kCall]: GrpcClientCall<unknown>;
}

class GrpcClientCall<T> extends CallLifecycle {
  resolve!: (value: T) => void;
  reject!: (reason: unknown) => void;
  attempts = 0;
  stream: CallStream | undefined;
  pooled: PooledSession | undefined;
  // The current attempt's response.
  resHeaders: IncomingHttpHeaders | undefined;
  headerMd: Metadata | undefined;
  trailers: IncomingHttpHeaders | undefined;
  streamError: Error | undefined;
  failure: RpcError | undefined;
  resEncoding: Encoding = "identity";
  parser: EnvelopeParser | undefined;
  readonly envs: Envelope[] = [];
  readonly output: Serializer<unknown>;

  constructor(
    readonly rt: ClientRuntime,
    readonly method: WireMethod,
    readonly options: CallOptions,
    readonly header: Metadata | undefined,
    readonly input: RequestInput,
    readonly replayable: boolean,
    readonly sink: GrpcCallSink<T>,
  ) {
    super(options);
    this.output = rt.codec === "json" ? method.output.json : method.output.proto;
  }

  protected override cancelled(reason: RpcError): void {
    const s = this.stream;
    if (s !== undefined && !s.destroyed) s.close(NGHTTP2_CANCEL);
    this.reject(reason);
  }

  attempt(): void {
    this.attempts++;
    const rt = this.rt;
    let pooled: PooledSession;
    try {
      pooled = rt.pool.acquire();
    } catch (e) {
      this.finish();
      return this.reject(e);
    }
    const h = this.requestHeaders();
    let s: CallStream;
    try {
      s = pooled.session.request(h) as CallStream;
    } catch (e) {
      rt.pool.release(pooled);
      this.finish();
      return this.reject(
        new RpcError(Code.Unavailable, `cannot start a call on ${rt.pool.origin}: ${(e as Error).message}`, {
          cause: e,
        }),
      );
    }
    this.pooled = pooled;
    this.stream = s;
    this.resHeaders = undefined;
    this.headerMd = undefined;
    this.trailers = undefined;
    this.streamError = undefined;
    this.failure = undefined;
    this.resEncoding = "identity";
    this.parser = new EnvelopeParser(rt.readMaxBytes);
    this.envs.length = 0;
    s[kCall] = this as GrpcClientCall<unknown>;
    s.on("response", onResponse);
    s.on("data", onData);
    s.on("trailers", onTrailers);
    // A framed message is sent with the half-close: the request side is already ended.
    const input = this.input;
    if (typeof input === "function") s.on("end", onEnd);
    s.on("error", onError);
    s.on("close", onClose);
    try {
      if (typeof input === "function") input(s);
      else s.end(input);
    } catch (e) {
      this.failure = RpcError.from(e, Code.Internal);
      s.close(NGHTTP2_CANCEL);
    }
  }

  private requestHeaders(): OutgoingHttpHeaders {
    const base = baseHeaders(this.rt, this.method.path);
    const remaining = this.remainingMs();
    const { group, version } = this.options;
    if (remaining === undefined && !group && !version && this.header === undefined) return base;
    const h: OutgoingHttpHeaders = { ...base };
    if (remaining !== undefined) h[H.grpcTimeout] = formatGrpcTimeout(remaining);
    if (group) h[H.triServiceGroup] = group;
    if (version) h[H.triServiceVersion] = version;
    this.header?.writeTo(h as Record<string, string>);
    return h;
  }

  /** The stream closed: retry a refused one, or settle the call from what arrived. */
  closed(s: CallStream): void {
    const pooled = this.pooled as PooledSession;
    this.rt.pool.release(pooled);
    if (this.done) return;
    const refused =
      this.resHeaders === undefined &&
      (s.rstCode === NGHTTP2_REFUSED_STREAM || (s.id !== undefined && s.id > pooled.goawayLastStreamId));
    if (refused && this.replayable && this.attempts < 2) return this.attempt();
    this.finish();
    const outcome = evaluate(
      this.resHeaders,
      this.trailers,
      this.failure,
      this.streamError ?? pooled.lastError,
      s.rstCode,
      this.parser?.pendingBytes ?? 0,
      this.rt.pool.origin,
    );
    if (outcome instanceof RpcError) {
      if (this.trailers !== undefined || this.resHeaders !== undefined)
        this.options.onTrailer?.(outcome.metadata);
      return this.reject(outcome);
    }
    this.options.onTrailer?.(outcome);
    // Trailers-Only (no separate header block): the header is empty.
    const header =
      this.trailers === undefined
        ? new Metadata()
        : (this.headerMd ?? Metadata.fromWire(this.resHeaders as IncomingHttpHeaders));
    let value: T;
    try {
      value = this.sink.onOk(header, outcome);
    } catch (e) {
      return this.reject(RpcError.from(e, Code.Internal));
    }
    this.resolve(value);
  }
}

// --- stream listeners (`this` is the stream) ---

function onResponse(this: CallStream, rh: IncomingHttpHeaders): void {
  const call = this[kCall];
  call.resHeaders = rh;
  const enc = rh[H.grpcEncoding];
  if (enc === "gzip") call.resEncoding = "gzip";
  else if (enc !== undefined && enc !== "identity") {
    call.failure = new RpcError(Code.Internal, `server used unsupported grpc-encoding "${enc}"`);
  }
  // A Trailers-Only response carries grpc-status in the headers; there is no separate header block.
  if (rh[H.grpcStatus] === undefined && Number(rh[":status"]) === 200) {
    const md = Metadata.fromWire(rh);
    call.headerMd = md;
    call.options.onHeader?.(md);
    call.sink.onHeader(md);
  }
}

function onData(this: CallStream, chunk: Buffer): void {
  const call = this[kCall];
  if (call.failure !== undefined) return;
  const envs = call.envs;
  try {
    (call.parser as EnvelopeParser).push(chunk, envs);
    for (let i = 0; i < envs.length; i++) {
      const env = envs[i];
      let data: Uint8Array = env.data;
      if (env.flags & flagCompressed) {
        if (call.resEncoding === "identity")
          throw new RpcError(Code.Internal, "compressed message without grpc-encoding");
        data = decompress(call.resEncoding, data, call.rt.readMaxBytes);
      }
      call.sink.onMessage(call.output.parse(data));
    }
    envs.length = 0;
  } catch (e) {
    envs.length = 0;
    call.failure = RpcError.from(e, Code.Internal);
    this.close(NGHTTP2_CANCEL);
  }
}

function onTrailers(this: CallStream, trailers: IncomingHttpHeaders): void {
  this[kCall].trailers = trailers;
}

/**
 * The response is complete (status received) while the request is still open: a server that answered
 * without reading every request message, e.g. a bidi call it refused. The call is over, as in
 * grpc-js; without this the stream would wait for the caller's next message to close.
 */
function onEnd(this: CallStream): void {
  if (!this.writableEnded && !this.destroyed) this.close(NGHTTP2_NO_ERROR);
}

function onError(this: CallStream, e: Error): void {
  this[kCall].streamError = e;
}

function onClose(this: CallStream): void {
  this[kCall].closed(this);
}

/** Turns what arrived on a closed stream into the call's trailer (status OK) or its error. */
function evaluate(
  resHeaders: IncomingHttpHeaders | undefined,
  trailers: IncomingHttpHeaders | undefined,
  failure: RpcError | undefined,
  transportError: Error | undefined,
  rstCode: number | undefined,
  pendingBytes: number,
  origin: string,
): Metadata | RpcError {
  if (failure !== undefined) return failure;
  if (resHeaders === undefined) {
    const why =
      transportError?.message ?? (rstCode ? `stream reset with code ${rstCode}` : "connection closed");
    return new RpcError(Code.Unavailable, `no response from ${origin}: ${why}`, { cause: transportError });
  }
  const httpStatus = Number(resHeaders[":status"]);
  const statusBlock = trailers ?? resHeaders;
  const rawStatus = statusBlock[H.grpcStatus];
  if (rawStatus === undefined) {
    if (httpStatus !== 200) {
      return new RpcError(
        grpcCodeFromHttp(httpStatus),
        `HTTP status ${httpStatus} from ${origin} without a gRPC status`,
      );
    }
    if (rstCode)
      return new RpcError(
        Code.Internal,
        `stream reset by the server with code ${rstCode} before the status arrived`,
      );
    return new RpcError(Code.Internal, "the server closed the call without a grpc-status");
  }
  const n = Number(rawStatus);
  const code = isCode(n) ? n : Code.Unknown;
  const trailerMd = Metadata.fromWire(statusBlock);
  if (code !== Code.Ok) {
    const msgRaw = statusBlock[H.grpcMessage];
    const message = typeof msgRaw === "string" ? decodeGrpcMessage(msgRaw) : "";
    const detailsRaw = statusBlock[H.grpcStatusDetails];
    const details = typeof detailsRaw === "string" ? (decodeStatusDetails(detailsRaw)?.details ?? []) : [];
    return new RpcError(code, message, { details, metadata: trailerMd });
  }
  if (pendingBytes > 0)
    return new RpcError(Code.Internal, `truncated response: ${pendingBytes} bytes of an incomplete message`);
  return trailerMd;
}

/** gRPC's HTTP-to-status mapping for responses that are not gRPC (a proxy's error page, say). */
function grpcCodeFromHttp(status: number): Code {
  switch (status) {
    case 400:
      return Code.Internal;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 429:
    case 502:
    case 503:
    case 504:
      return Code.Unavailable;
    default:
      return Code.Unknown;
  }
}
