import http2, {
  type ClientHttp2Stream,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from "node:http2";
import type { Serializer } from "../codec/serializer.js";
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
}

export interface GrpcCallSink {
  /** Response headers arrived (not called for a Trailers-Only response). */
  onHeader(header: Metadata): void;
  onMessage(message: unknown): void;
}

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
 * Runs one gRPC call over a pooled HTTP/2 stream. `writeInput` sends the request (once, or again on a
 * transparent retry when `replayable`). Resolves with headers and trailers on status OK; rejects with
 * an RpcError otherwise. A stream the server refused (REFUSED_STREAM, or above a GOAWAY's last stream
 * id) never reached the application, so a replayable call is retried once on a new connection.
 */
export function runGrpcCall(
  rt: ClientRuntime,
  method: WireMethod,
  options: CallOptions,
  header: Metadata | undefined,
  writeInput: (stream: ClientHttp2Stream) => void,
  replayable: boolean,
  sink: GrpcCallSink,
): Promise<{ header: Metadata; trailer: Metadata }> {
  return new Promise((resolve, reject) => {
    let stream: ClientHttp2Stream | undefined;
    const life = new CallLifecycle(options, (reason) => {
      if (stream !== undefined && !stream.destroyed) stream.close(NGHTTP2_CANCEL);
      reject(reason);
    });
    const output = rt.codec === "json" ? method.output.json : method.output.proto;
    let attempts = 0;

    const attempt = () => {
      attempts++;
      let pooled: PooledSession;
      try {
        pooled = rt.pool.acquire();
      } catch (e) {
        life.finish();
        return reject(e);
      }
      const h: OutgoingHttpHeaders = {
        ":method": "POST",
        ":path": method.path,
        [H.contentType]: rt.contentType,
        [H.te]: "trailers",
        [H.userAgent]: rt.userAgent,
        [H.grpcAcceptEncoding]: "gzip",
      };
      if (rt.sendEncoding !== "identity") h[H.grpcEncoding] = rt.sendEncoding;
      const remaining = life.remainingMs();
      if (remaining !== undefined) h[H.grpcTimeout] = formatGrpcTimeout(remaining);
      if (options.group) h[H.triServiceGroup] = options.group;
      if (options.version) h[H.triServiceVersion] = options.version;
      header?.writeTo(h as Record<string, string>);

      let s: ClientHttp2Stream;
      try {
        s = pooled.session.request(h);
      } catch (e) {
        rt.pool.release(pooled);
        life.finish();
        return reject(
          new RpcError(
            Code.Unavailable,
            `cannot start a call on ${rt.pool.origin}: ${(e as Error).message}`,
            { cause: e },
          ),
        );
      }
      stream = s;
      let resHeaders: IncomingHttpHeaders | undefined;
      let trailers: IncomingHttpHeaders | undefined;
      let streamError: Error | undefined;
      let failure: RpcError | undefined;
      let resEncoding: Encoding = "identity";
      const parser = new EnvelopeParser(rt.readMaxBytes);
      const envs: Envelope[] = [];

      s.on("response", (rh) => {
        resHeaders = rh;
        const enc = rh[H.grpcEncoding];
        if (enc === "gzip") resEncoding = "gzip";
        else if (enc !== undefined && enc !== "identity") {
          failure = new RpcError(Code.Internal, `server used unsupported grpc-encoding "${enc}"`);
        }
        // A Trailers-Only response carries grpc-status in the headers; there is no separate header block.
        if (rh[H.grpcStatus] === undefined && Number(rh[":status"]) === 200) {
          const md = Metadata.fromWire(rh);
          options.onHeader?.(md);
          sink.onHeader(md);
        }
      });
      s.on("data", (chunk: Buffer) => {
        if (failure !== undefined) return;
        try {
          parser.push(chunk, envs);
          for (let i = 0; i < envs.length; i++) {
            const env = envs[i];
            let data: Uint8Array = env.data;
            if (env.flags & flagCompressed) {
              if (resEncoding === "identity")
                throw new RpcError(Code.Internal, "compressed message without grpc-encoding");
              data = decompress(resEncoding, data, rt.readMaxBytes);
            }
            sink.onMessage(output.parse(data));
          }
          envs.length = 0;
        } catch (e) {
          failure = RpcError.from(e, Code.Internal);
          s.close(NGHTTP2_CANCEL);
        }
      });
      s.on("trailers", (t) => {
        trailers = t;
      });
      // The response is complete (status received) while the request is still open: a server that
      // answered without reading every request message, e.g. a bidi call it refused. The call is over,
      // as in grpc-js; without this the stream would wait for the caller's next message to close.
      s.on("end", () => {
        if (!s.writableEnded && !s.destroyed) s.close(NGHTTP2_NO_ERROR);
      });
      s.on("error", (e) => {
        streamError = e;
      });
      s.on("close", () => {
        rt.pool.release(pooled);
        if (life.done) return;
        const refused =
          resHeaders === undefined &&
          (s.rstCode === NGHTTP2_REFUSED_STREAM || (s.id !== undefined && s.id > pooled.goawayLastStreamId));
        if (refused && replayable && attempts < 2) return attempt();
        life.finish();
        const result = evaluate(
          resHeaders,
          trailers,
          failure,
          streamError ?? pooled.lastError,
          s.rstCode,
          parser.pendingBytes,
          rt.pool.origin,
        );
        if (result instanceof RpcError) {
          if (trailers !== undefined || resHeaders !== undefined) options.onTrailer?.(result.metadata);
          reject(result);
        } else {
          options.onTrailer?.(result.trailer);
          resolve(result);
        }
      });
      try {
        writeInput(s);
      } catch (e) {
        failure = RpcError.from(e, Code.Internal);
        s.close(NGHTTP2_CANCEL);
      }
    };
    attempt();
  });
}

/** Turns what arrived on a closed stream into the call's outcome. */
function evaluate(
  resHeaders: IncomingHttpHeaders | undefined,
  trailers: IncomingHttpHeaders | undefined,
  failure: RpcError | undefined,
  transportError: Error | undefined,
  rstCode: number | undefined,
  pendingBytes: number,
  origin: string,
): { header: Metadata; trailer: Metadata } | RpcError {
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
  return {
    header: trailers === undefined ? new Metadata() : Metadata.fromWire(resHeaders),
    trailer: trailerMd,
  };
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
