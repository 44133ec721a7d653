import http from "node:http";
import http2, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http2";
import https from "node:https";
import type { UnaryResponse } from "../interceptor/interceptor.js";
import { Metadata } from "../metadata/metadata.js";
import { Code } from "../protocol/code.js";
import { compress, decompress } from "../protocol/compression.js";
import { errorFromJson } from "../protocol/error-json.js";
import { H } from "../protocol/headers.js";
import { RpcError } from "../protocol/rpc-error.js";
import { CallLifecycle } from "./call-lifecycle.js";
import type { CallOptions } from "./call-options.js";
import type { ClientRuntime } from "./grpc-client-call.js";
import type { WireMethod } from "./wire-method.js";

/**
 * A Triple unary call: bare protobuf or JSON body, `tri-service-timeout`, real HTTP status, JSON
 * error body, trailers as `trailer-*` headers. Over HTTP/2 (the pooled session) or HTTP/1.1 (a
 * keep-alive agent).
 */
export function runTripleUnary(
  rt: ClientRuntime,
  agent: http.Agent | undefined,
  method: WireMethod,
  input: unknown,
  options: CallOptions,
  header: Metadata | undefined,
): Promise<UnaryResponse> {
  const json = rt.codec === "json";
  let body: Uint8Array = (json ? method.input.json : method.input.proto).serialize(input);
  if (body.byteLength > rt.writeMaxBytes) {
    return Promise.reject(
      new RpcError(
        Code.ResourceExhausted,
        `request message of ${body.byteLength} bytes exceeds the send limit of ${rt.writeMaxBytes} bytes`,
      ),
    );
  }
  const h: OutgoingHttpHeaders = {
    [H.contentType]: json ? "application/json" : "application/proto",
    [H.acceptEncoding]: "gzip",
    [H.userAgent]: rt.userAgent,
    [H.triProtocolVersion]: "1.0.0",
  };
  if (rt.sendEncoding !== "identity" && body.byteLength >= rt.compressMinBytes) {
    body = compress(rt.sendEncoding, body);
    h[H.contentEncoding] = rt.sendEncoding;
  }
  if (options.group) h[H.triServiceGroup] = options.group;
  if (options.version) h[H.triServiceVersion] = options.version;
  header?.writeTo(h as Record<string, string>);
  const output = json ? method.output.json : method.output.proto;

  return new Promise<UnaryResponse>((resolve, reject) => {
    let cancelWire: (() => void) | undefined;
    const life = new CallLifecycle(options, (reason) => {
      cancelWire?.();
      reject(reason);
    });
    const remaining = life.remainingMs();
    if (remaining !== undefined) h[H.triServiceTimeout] = String(Math.max(1, Math.ceil(remaining)));

    const finish = (status: number, resHeaders: IncomingHttpHeaders, raw: Buffer) => {
      if (life.done) return;
      life.finish();
      try {
        const enc = resHeaders[H.contentEncoding];
        const bytes = enc === "gzip" ? decompress("gzip", raw, rt.readMaxBytes) : raw;
        const { header: md, trailer } = splitTrailers(resHeaders);
        options.onHeader?.(md);
        if (status !== 200) {
          const e = errorFromJson(status, bytes.toString("utf8"));
          options.onTrailer?.(trailer);
          return reject(new RpcError(e.code, e.message, { details: e.details, metadata: trailer }));
        }
        const message = output.parse(bytes);
        options.onTrailer?.(trailer);
        resolve({ stream: false, header: md, message, trailer });
      } catch (e) {
        reject(RpcError.from(e, Code.Internal));
      }
    };
    const failed = (e: Error) => {
      if (!(e instanceof RpcError)) return transportFailed(e);
      if (life.done) return;
      life.finish();
      reject(e);
    };
    function transportFailed(e: Error): void {
      if (life.done) return;
      life.finish();
      reject(
        new RpcError(Code.Unavailable, `no response from ${rt.pool.origin}: ${e.message}`, { cause: e }),
      );
    }

    if (agent !== undefined) {
      h["content-length"] = body.byteLength;
      const url = rt.pool.origin + method.path;
      const mod = url.startsWith("https:") ? https : http;
      const req = mod.request(
        url,
        { method: "POST", agent, headers: h as http.OutgoingHttpHeaders },
        (res) => {
          readAll(res, rt.readMaxBytes)
            .then((raw) => finish(res.statusCode ?? 0, res.headers as IncomingHttpHeaders, raw))
            .catch(failed);
        },
      );
      cancelWire = () => req.destroy();
      req.on("error", transportFailed);
      req.end(body);
      return;
    }

    let pooled: ReturnType<typeof rt.pool.acquire>;
    try {
      pooled = rt.pool.acquire();
    } catch (e) {
      life.finish();
      return reject(e);
    }
    h[":method"] = "POST";
    h[":path"] = method.path;
    const s = pooled.session.request(h);
    cancelWire = () => s.close(http2.constants.NGHTTP2_CANCEL);
    let status = 0;
    let resHeaders: IncomingHttpHeaders = {};
    s.on("response", (rh) => {
      status = Number(rh[":status"]);
      resHeaders = rh;
    });
    s.on("error", () => {});
    readAll(s, rt.readMaxBytes)
      .then((raw) =>
        status === 0
          ? transportFailed(pooled.lastError ?? new Error("stream closed"))
          : finish(status, resHeaders, raw),
      )
      .catch(failed)
      .finally(() => rt.pool.release(pooled));
    s.end(body);
  });
}

/** Unary Triple responses carry trailers as `trailer-<name>` headers. */
function splitTrailers(headers: IncomingHttpHeaders): { header: Metadata; trailer: Metadata } {
  const header = new Metadata();
  const trailer = new Metadata();
  const all = Metadata.fromWire(headers);
  for (const [k, v] of all) {
    if (k.startsWith(H.trailerPrefix)) trailer.append(k.slice(H.trailerPrefix.length), v);
    else header.append(k, v);
  }
  return { header, trailer };
}

function readAll(source: NodeJS.ReadableStream, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    source.on("data", (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(
          new RpcError(Code.ResourceExhausted, `response exceeds the receive limit of ${maxBytes} bytes`),
        );
        (source as unknown as { destroy(): void }).destroy();
        return;
      }
      chunks.push(c);
    });
    source.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    source.on("error", reject);
    source.on("close", () => resolve(Buffer.concat(chunks, size)));
  });
}
