import http from "node:http";
import type { ClientHttp2Stream } from "node:http2";
import https from "node:https";
import {
  type AnyFn,
  type AnyRequest,
  applyInterceptors,
  type StreamRequest,
  type StreamResponse,
  type UnaryRequest,
  type UnaryResponse,
} from "../interceptor/interceptor.js";
import { Metadata } from "../metadata/metadata.js";
import { Code } from "../protocol/code.js";
import { RpcError } from "../protocol/rpc-error.js";
import { MessageQueue } from "../server/message-queue.js";
import type { CallOptions } from "./call-options.js";
import { type ClientRuntime, frameRequest, runGrpcCall, UnarySink } from "./grpc-client-call.js";
import { SessionPool } from "./session-pool.js";
import type { Transport } from "./transport.js";
import type { TransportOptions } from "./transport-options.js";
import { runTripleUnary } from "./triple-client-call.js";
import type { WireMethod } from "./wire-method.js";

const defaultUserAgent = `dubbo-mesh-triple/0.1 node/${process.versions.node}`;

/**
 * The Triple/gRPC client transport for one base URL: a pool of HTTP/2 connections (and a keep-alive
 * HTTP/1.1 agent when asked for), both RPC sub-protocols, and client interceptors.
 */
export class TripleTransport implements Transport {
  private readonly rt: ClientRuntime;
  private readonly agent: http.Agent | undefined;
  private readonly unaryTriple: boolean;
  private readonly chain: AnyFn | undefined;

  constructor(readonly options: TransportOptions) {
    let origin: string;
    try {
      const url = new URL(options.baseUrl);
      if (url.protocol !== "http:" && url.protocol !== "https:")
        throw new Error(`unsupported scheme ${url.protocol}`);
      origin = url.origin;
    } catch (e) {
      throw new TypeError(
        `invalid baseUrl "${options.baseUrl}": ${(e as Error).message}; expected http://host:port or https://host:port`,
      );
    }
    const codec = options.codec ?? "proto";
    this.rt = {
      pool: new SessionPool(origin, options),
      codec,
      contentType: codec === "json" ? "application/grpc+json" : "application/grpc",
      sendEncoding: options.sendCompression ?? "identity",
      compressMinBytes: options.compressMinBytes ?? 1024,
      readMaxBytes: options.readMaxBytes ?? 4 * 1024 * 1024,
      writeMaxBytes: options.writeMaxBytes ?? 4 * 1024 * 1024,
      userAgent: options.userAgent ?? defaultUserAgent,
      baseHeaders: new Map(),
    };
    const h1 = options.httpVersion === "1.1";
    this.unaryTriple = h1 || options.protocol === "triple";
    if (h1) {
      const AgentClass = origin.startsWith("https:") ? https.Agent : http.Agent;
      this.agent = new AgentClass({ keepAlive: true, maxSockets: 256, ...(options.tls as object) });
    }
    if (options.interceptors !== undefined && options.interceptors.length > 0) {
      this.chain = applyInterceptors(
        (req) => (req.stream ? this.directStream(req) : this.directUnary(req)),
        options.interceptors,
      );
    }
  }

  unary(method: WireMethod, input: unknown, options: CallOptions): Promise<UnaryResponse> {
    const header = options.headers !== undefined ? new Metadata(options.headers) : undefined;
    if (this.chain === undefined) return this.unaryCall(method, input, options, header);
    return this.chain(
      this.request(method, false, input, options, header ?? new Metadata()),
    ) as Promise<UnaryResponse>;
  }

  stream(method: WireMethod, input: AsyncIterable<unknown>, options: CallOptions): Promise<StreamResponse> {
    const header = options.headers !== undefined ? new Metadata(options.headers) : undefined;
    if (this.chain === undefined) return this.streamCall(method, input, options, header);
    return this.chain(
      this.request(method, true, input, options, header ?? new Metadata()),
    ) as Promise<StreamResponse>;
  }

  async close(): Promise<void> {
    this.agent?.destroy();
    await this.rt.pool.close();
  }

  private request(
    method: WireMethod,
    stream: boolean,
    message: unknown,
    options: CallOptions,
    header: Metadata,
  ): AnyRequest {
    let signal = options.signal;
    return {
      stream,
      method: method.info,
      header,
      message,
      timeoutMs: options.timeoutMs,
      contextValues: options.contextValues ?? new Map(),
      get signal() {
        signal ??= new AbortController().signal;
        return signal;
      },
      [wireKey]: { method, options },
    } as AnyRequest;
  }

  private directUnary(req: UnaryRequest): Promise<UnaryResponse> {
    const { method, options } = (
      req as unknown as Record<symbol, { method: WireMethod; options: CallOptions }>
    )[wireKey];
    return this.unaryCall(method, req.message, { ...options, timeoutMs: req.timeoutMs }, req.header);
  }

  private directStream(req: StreamRequest): Promise<StreamResponse> {
    const { method, options } = (
      req as unknown as Record<symbol, { method: WireMethod; options: CallOptions }>
    )[wireKey];
    return this.streamCall(method, req.message, { ...options, timeoutMs: req.timeoutMs }, req.header);
  }

  private unaryCall(
    method: WireMethod,
    input: unknown,
    options: CallOptions,
    header: Metadata | undefined,
  ): Promise<UnaryResponse> {
    if (this.unaryTriple) return runTripleUnary(this.rt, this.agent, method, input, options, header);
    let frame: Buffer;
    try {
      frame = frameRequest(this.rt, this.rt.codec === "json" ? method.input.json : method.input.proto, input);
    } catch (e) {
      return Promise.reject(e);
    }
    return runGrpcCall(this.rt, method, options, header, frame, true, new UnarySink());
  }

  private streamCall(
    method: WireMethod,
    input: AsyncIterable<unknown>,
    options: CallOptions,
    header: Metadata | undefined,
  ): Promise<StreamResponse> {
    if (this.agent !== undefined) {
      return Promise.reject(
        new RpcError(Code.Unimplemented, "streaming calls need HTTP/2; this transport is set to HTTP/1.1"),
      );
    }
    const serializer = this.rt.codec === "json" ? method.input.json : method.input.proto;
    const rt = this.rt;
    return new Promise<StreamResponse>((resolve, reject) => {
      let stream: ClientHttp2Stream | undefined;
      const queue = new MessageQueue<unknown>((pause) => (pause ? stream?.pause() : stream?.resume()), 32);
      const trailer = new Metadata();
      let settled = false;
      const single = method.info.kind === "server_streaming";
      const done = runGrpcCall(
        rt,
        method,
        options,
        header,
        (s) => {
          stream = s;
          void pumpInput(s, input, (m) => frameRequest(rt, serializer, m), single);
        },
        single,
        {
          onHeader(h) {
            if (settled) return;
            settled = true;
            resolve({ stream: true, header: h, message: queue, trailer });
          },
          onMessage(m) {
            queue.push(m);
          },
          onOk(header, trailer) {
            return { header, trailer };
          },
        },
      );
      done.then(
        (r) => {
          for (const [k, v] of r.trailer) trailer.append(k, v);
          queue.end();
          if (!settled) {
            settled = true;
            resolve({ stream: true, header: r.header, message: queue, trailer });
          }
        },
        (e) => {
          queue.fail(e);
          if (!settled) {
            settled = true;
            reject(e);
          }
        },
      );
    });
  }
}

const wireKey = Symbol("wire");

/** Writes request messages with backpressure, then half-closes. A failing iterator cancels the call. */
async function pumpInput(
  s: ClientHttp2Stream,
  input: AsyncIterable<unknown>,
  frame: (m: unknown) => Buffer,
  single: boolean,
): Promise<void> {
  try {
    for await (const m of input) {
      if (s.destroyed || s.closed) return;
      if (!s.write(frame(m))) {
        await new Promise<void>((r) => {
          const go = () => {
            s.off("drain", go);
            s.off("close", go);
            r();
          };
          s.on("drain", go);
          s.on("close", go);
        });
      }
      if (single) break;
    }
    if (!s.destroyed) s.end();
  } catch (e) {
    if (!s.destroyed) s.destroy(e instanceof Error ? e : new Error(String(e)));
  }
}

export function createTransport(options: TransportOptions): Transport {
  return new TripleTransport(options);
}
