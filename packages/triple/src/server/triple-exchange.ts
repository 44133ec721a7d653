import type { Readable } from "node:stream";
import { Code } from "../protocol/code.js";
import { compress, decompress, type Encoding } from "../protocol/compression.js";
import { errorToJson } from "../protocol/error-json.js";
import { H } from "../protocol/headers.js";
import { codeToHttpStatus } from "../protocol/http-status.js";
import { RpcError } from "../protocol/rpc-error.js";
import { requestTimeoutMs } from "../protocol/timeout.js";
import { invokeHandler } from "./invoke.js";
import { type PeerInfo, ServerCall } from "./server-call.js";
import type { ServerMethod } from "./server-method.js";
import type { ServerRuntime } from "./server-options.js";
import type { OutHeaders, UnaryHttp } from "./unary-http.js";

/**
 * Triple's "HTTP RPC" unary call: a bare body (protobuf or JSON), real HTTP status codes, a JSON error
 * body, `content-encoding` compression, trailers as `trailer-*` headers. Written with callbacks and
 * one state object rather than a promise chain: this is the hot path of every curl/HTTP/1.1 caller.
 */
export function serveTripleUnary(
  http: UnaryHttp,
  method: ServerMethod,
  codec: "proto" | "json",
  group: string,
  version: string,
  peer: PeerInfo,
  rt: ServerRuntime,
): void {
  const headers = http.headers;
  const call = new ServerCall(method.info, "triple", codec, group, version, headers, peer);
  const ex = new TripleUnaryExchange(http, method, call, codec, rt);
  const timeout = requestTimeoutMs(headers);
  if (timeout !== undefined) {
    call.startDeadline(timeout, ex);
    ex.watchAbort();
  }

  const encHeader = headers[H.contentEncoding];
  if (encHeader !== undefined && encHeader !== "identity") {
    if (encHeader !== "gzip") {
      http.body.resume();
      return ex.fail(
        new RpcError(
          Code.Unimplemented,
          `unsupported content-encoding "${String(encHeader)}"; supported: gzip, identity`,
        ),
      );
    }
    ex.requestEncoding = "gzip";
  }
  const accept = headers[H.acceptEncoding];
  if (typeof accept === "string" && accept.includes("gzip")) ex.responseEncoding = "gzip";
  // The body listeners are shared module-level functions (no closures per call): they find the
  // exchange on the body stream, which Node passes to them as `this`.
  const body = http.body as BodyStream;
  body[kExchange] = ex;
  body.on("data", onBodyData);
  body.on("end", onBodyEnd);
}

const kExchange = Symbol("tripleExchange");

type BodyStream = Readable & { [kExchange]: TripleUnaryExchange };

/**
 * Collects the body with a byte cap. A compressed body may be small and still expand past the cap;
 * decompress() checks that separately.
 */
function onBodyData(this: BodyStream, chunk: Buffer): void {
  const ex = this[kExchange];
  if (ex.bodyFailed) return;
  ex.bodySize += chunk.length;
  const max = ex.rt.readMaxBytes;
  if (ex.bodySize > max) {
    ex.bodyFailed = true;
    ex.fail(new RpcError(Code.ResourceExhausted, `request body exceeds the receive limit of ${max} bytes`));
    return;
  }
  if (ex.first === undefined) ex.first = chunk;
  else {
    ex.rest ??= [ex.first];
    ex.rest.push(chunk);
  }
}

function onBodyEnd(this: BodyStream): void {
  const ex = this[kExchange];
  if (ex.bodyFailed) return;
  const rest = ex.rest;
  const raw = rest !== undefined ? Buffer.concat(rest, ex.bodySize) : (ex.first ?? emptyBody);
  ex.first = ex.rest = undefined;
  ex.onBody(raw);
}

const emptyBody = Buffer.alloc(0);

class TripleUnaryExchange {
  requestEncoding: Encoding = "identity";
  responseEncoding: Encoding = "identity";
  /** The request body so far: the first chunk, and all of them once there is more than one. */
  first: Buffer | undefined;
  rest: Buffer[] | undefined;
  bodySize = 0;
  /** The body broke the size limit; the rest of it is ignored. */
  bodyFailed = false;
  private abortWatched = false;

  constructor(
    private readonly http: UnaryHttp,
    private readonly method: ServerMethod,
    private readonly call: ServerCall,
    private readonly codec: "proto" | "json",
    readonly rt: ServerRuntime,
  ) {}

  /**
   * Tells the call when the client goes away before the response is complete. Only needed while a
   * handler runs asynchronously or a deadline is armed; a synchronous handler has answered already.
   */
  watchAbort(): void {
    if (this.abortWatched) return;
    this.abortWatched = true;
    const call = this.call;
    this.http.onAbort(() => {
      if (!call.done) call.abort(new RpcError(Code.Canceled, "the client cancelled the call"));
    });
  }

  /** The whole request body arrived. */
  onBody(raw: Buffer): void {
    if (this.call.done) return;
    let result: unknown;
    try {
      const bytes =
        this.requestEncoding === "identity"
          ? raw
          : decompress(this.requestEncoding, raw, this.rt.readMaxBytes);
      const input = (this.codec === "json" ? this.method.input.json : this.method.input.proto).parse(bytes);
      result = invokeHandler(this.method, this.call, input, this.rt);
    } catch (e) {
      return this.fail(e);
    }
    if (result instanceof Promise) {
      this.watchAbort();
      result.then(
        (r) => this.respond(r),
        (e) => this.fail(e),
      );
    } else {
      this.respond(result);
    }
  }

  private respond(result: unknown): void {
    const { call, http, rt } = this;
    if (call.done || http.responded) return;
    const output = this.codec === "json" ? this.method.output.json : this.method.output.proto;
    const contentType = this.codec === "json" ? "application/json" : "application/proto";
    let body: Uint8Array | string;
    let out: OutHeaders;
    try {
      // JSON goes out as a string: node:http then writes the head and the body as one string, where
      // a Buffer would cost a UTF-8 copy and a second chunk.
      body = output.serializeText !== undefined ? output.serializeText(result) : output.serialize(result);
      const size = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
      if (size > rt.writeMaxBytes) {
        throw new RpcError(
          Code.ResourceExhausted,
          `response message of ${size} bytes exceeds the send limit of ${rt.writeMaxBytes} bytes`,
        );
      }
      out = { "content-type": contentType };
      if (this.responseEncoding !== "identity" && size >= rt.compressMinBytes) {
        body = compress(this.responseEncoding, typeof body === "string" ? Buffer.from(body) : body);
        out[H.contentEncoding] = this.responseEncoding;
      }
    } catch (e) {
      return this.fail(e);
    }
    call.responseHeaderIfAny?.writeTo(out);
    call.responseTrailerIfAny?.writeTo(out, H.trailerPrefix);
    call.finish();
    http.respond(200, out, body);
  }

  fail(reason: unknown): void {
    const { call, http } = this;
    if ((call.done && call.abortReason === undefined) || http.responded) return;
    if (!(reason instanceof RpcError)) this.rt.onError(reason, "handler");
    call.finish();
    respondTripleError(http, RpcError.from(reason), call);
  }
}

/** An error response: HTTP status from the code, JSON body every Triple/Connect client can read. */
export function respondTripleError(
  http: UnaryHttp,
  err: RpcError,
  call?: ServerCall,
  httpStatus?: number,
): void {
  const out: OutHeaders = { [H.contentType]: "application/json" };
  call?.responseHeaderIfAny?.writeTo(out);
  err.metadata.writeTo(out);
  call?.responseTrailerIfAny?.writeTo(out, H.trailerPrefix);
  http.respond(
    httpStatus ?? codeToHttpStatus(err.code),
    out,
    errorToJson(err.code, err.rawMessage, err.details),
  );
}
