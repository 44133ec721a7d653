import type { Readable } from "node:stream";
import type { RawHeaders } from "../metadata/metadata.js";
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

export type OutHeaders = Record<string, string | string[] | number>;

/** A unary HTTP exchange, over HTTP/1.1 (IncomingMessage/ServerResponse) or HTTP/2 (a stream). */
export interface UnaryHttp {
  readonly headers: RawHeaders;
  readonly body: Readable;
  respond(status: number, headers: OutHeaders, body: Uint8Array | string): void;
  /** Called once if the peer goes away before the response is complete. */
  onAbort(listener: () => void): void;
  readonly responded: boolean;
}

/**
 * Triple's "HTTP RPC" unary call: a bare body (protobuf or JSON), real HTTP status codes, a JSON error
 * body, `content-encoding` compression, trailers as `trailer-*` headers.
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
  const contentType = codec === "json" ? "application/json" : "application/proto";
  const fail = (reason: unknown) => {
    if (call.done && call.abortReason === undefined) return;
    if (http.responded) return;
    if (!(reason instanceof RpcError)) rt.onError(reason, "handler");
    call.finish();
    respondTripleError(http, RpcError.from(reason), call);
  };
  http.onAbort(() => {
    if (!call.done) call.abort(new RpcError(Code.Canceled, "the client cancelled the call"));
  });
  const timeout = requestTimeoutMs(headers);
  if (timeout !== undefined) call.startDeadline(timeout, fail);

  const encHeader = headers[H.contentEncoding];
  let reqEnc: Encoding = "identity";
  if (encHeader !== undefined && encHeader !== "identity") {
    if (encHeader !== "gzip") {
      return fail(
        new RpcError(
          Code.Unimplemented,
          `unsupported content-encoding "${String(encHeader)}"; supported: gzip, identity`,
        ),
      );
    }
    reqEnc = "gzip";
  }
  const accept = headers[H.acceptEncoding];
  const resEnc: Encoding = typeof accept === "string" && accept.includes("gzip") ? "gzip" : "identity";

  readBody(http.body, rt.readMaxBytes)
    .then((raw) => {
      if (call.done) return;
      const bytes = reqEnc === "identity" ? raw : decompress(reqEnc, raw, rt.readMaxBytes);
      const input = (codec === "json" ? method.input.json : method.input.proto).parse(bytes);
      return invokeHandler(method, call, input, rt);
    })
    .then((result) => {
      if (call.done || http.responded) return;
      let body: Uint8Array = (codec === "json" ? method.output.json : method.output.proto).serialize(result);
      if (body.byteLength > rt.writeMaxBytes) {
        throw new RpcError(
          Code.ResourceExhausted,
          `response message of ${body.byteLength} bytes exceeds the send limit of ${rt.writeMaxBytes} bytes`,
        );
      }
      const out: OutHeaders = { [H.contentType]: contentType };
      if (resEnc !== "identity" && body.byteLength >= rt.compressMinBytes) {
        body = compress(resEnc, body);
        out[H.contentEncoding] = resEnc;
      }
      call.responseHeaderIfAny?.writeTo(out);
      call.responseTrailerIfAny?.writeTo(out, H.trailerPrefix);
      call.finish();
      http.respond(200, out, body);
    })
    .catch(fail);
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

/** Reads a whole body with a byte cap (checked against content-length first, then while reading). */
function readBody(body: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooBig = () =>
      new RpcError(Code.ResourceExhausted, `request body exceeds the receive limit of ${maxBytes} bytes`);
    body.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        body.removeAllListeners("data");
        body.resume();
        reject(tooBig());
        return;
      }
      chunks.push(chunk);
    });
    body.once("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    body.once("error", (e) =>
      reject(new RpcError(Code.Internal, `reading the request body failed: ${e.message}`)),
    );
  });
}
