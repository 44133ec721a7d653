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
  http.onAbort(() => {
    if (!call.done) call.abort(new RpcError(Code.Canceled, "the client cancelled the call"));
  });
  const timeout = requestTimeoutMs(headers);
  if (timeout !== undefined) call.startDeadline(timeout, (e) => ex.fail(e));

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
  readBody(http.body, rt.readMaxBytes, ex);
}

class TripleUnaryExchange {
  requestEncoding: Encoding = "identity";
  responseEncoding: Encoding = "identity";

  constructor(
    private readonly http: UnaryHttp,
    private readonly method: ServerMethod,
    private readonly call: ServerCall,
    private readonly codec: "proto" | "json",
    private readonly rt: ServerRuntime,
  ) {}

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
    let body: Uint8Array;
    try {
      body = (this.codec === "json" ? this.method.output.json : this.method.output.proto).serialize(result);
      if (body.byteLength > rt.writeMaxBytes) {
        throw new RpcError(
          Code.ResourceExhausted,
          `response message of ${body.byteLength} bytes exceeds the send limit of ${rt.writeMaxBytes} bytes`,
        );
      }
    } catch (e) {
      return this.fail(e);
    }
    const out: OutHeaders = {
      [H.contentType]: this.codec === "json" ? "application/json" : "application/proto",
    };
    if (this.responseEncoding !== "identity" && body.byteLength >= rt.compressMinBytes) {
      body = compress(this.responseEncoding, body);
      out[H.contentEncoding] = this.responseEncoding;
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

/**
 * Reads a whole body with a byte cap. A compressed body may be small and still expand past the cap;
 * decompress() checks that separately.
 */
function readBody(body: Readable, maxBytes: number, ex: TripleUnaryExchange): void {
  let first: Buffer | undefined;
  let rest: Buffer[] | undefined;
  let size = 0;
  let failed = false;
  body.on("data", (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > maxBytes) {
      failed = true;
      ex.fail(
        new RpcError(Code.ResourceExhausted, `request body exceeds the receive limit of ${maxBytes} bytes`),
      );
      return;
    }
    if (first === undefined) first = chunk;
    else {
      rest ??= [first];
      rest.push(chunk);
    }
  });
  body.on("end", () => {
    if (failed) return;
    ex.onBody(rest !== undefined ? Buffer.concat(rest, size) : (first ?? Buffer.alloc(0)));
  });
  body.on("error", (e) => {
    if (failed) return;
    failed = true;
    ex.fail(new RpcError(Code.Internal, `reading the request body failed: ${e.message}`));
  });
}
