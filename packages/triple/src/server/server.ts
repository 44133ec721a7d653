import http from "node:http";
import http2 from "node:http2";
import type { AddressInfo, Server as NetServer } from "node:net";
import type { DescFile, DescService } from "@bufbuild/protobuf";
import { serializersFor } from "../codec/serializer.js";
import type { RawHeaders } from "../metadata/metadata.js";
import { Code } from "../protocol/code.js";
import { contentTypeOf, parseContentType } from "../protocol/content-type.js";
import { encodeGrpcMessage } from "../protocol/grpc-message.js";
import { H } from "../protocol/headers.js";
import { RpcError } from "../protocol/rpc-error.js";
import { ConnectionInfos, type ServerAdmission } from "./admission.js";
import { serveGrpc } from "./grpc-exchange.js";
import { HealthService } from "./health.js";
import { createListener } from "./listener.js";
import { MethodRouter } from "./method-router.js";
import { registerReflection } from "./reflection.js";
import { endRequestSide } from "./request-side.js";
import type { PeerInfo } from "./server-call.js";
import type { ServerMethod } from "./server-method.js";
import { runtimeFrom, type ServerRuntime, type TripleServerOptions } from "./server-options.js";
import type { HandlerContext, ServiceImpl } from "./service-types.js";
import { respondTripleError, serveTripleUnary } from "./triple-exchange.js";
import { Http1Unary, Http2Unary, type UnaryHttp } from "./unary-http.js";

export interface RegisterOptions {
  /** Dubbo service group (`tri-service-group`); default none. */
  group?: string;
  /** Dubbo service version (`tri-service-version`); default none. */
  version?: string;
}

export interface ListenOptions {
  host?: string;
  port?: number;
}

/**
 * A Triple server: gRPC (all RPC kinds, HTTP/2) and Triple unary (JSON or protobuf, HTTP/1.1 and
 * HTTP/2) on one port, with health and reflection built in.
 */
export class TripleServer {
  readonly router = new MethodRouter();
  readonly health: HealthService;
  private readonly rt: ServerRuntime;
  private readonly h1: http.Server;
  private readonly h2: http2.Http2Server;
  private listener: NetServer | undefined;
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private readonly h1Sockets = new Set<import("node:net").Socket>();
  private readonly files = new Map<string, DescFile>();
  private readonly admission: ServerAdmission | undefined;
  private readonly connectionInfos: ConnectionInfos | undefined;
  private draining = false;

  constructor(private readonly options: TripleServerOptions = {}) {
    this.rt = runtimeFrom(options);
    this.admission = options.admission;
    this.connectionInfos = options.admission === undefined ? undefined : new ConnectionInfos();
    const maxHeaderBytes = options.maxHeaderBytes ?? 16 * 1024;
    this.h1 = http.createServer({ maxHeaderSize: maxHeaderBytes, keepAliveTimeout: 30_000 }, (req, res) =>
      this.onHttp1(req, res),
    );
    // node:http tracks its connections (closeIdleConnections, closeAllConnections, header and request
    // timeouts) only from its 'listening' event on; this one never listens itself (the sniffing listener
    // hands it sockets), so start the tracking here, and count the sockets ourselves for close().
    this.h1.emit("listening");
    this.h1.on("connection", (socket: import("node:net").Socket) => {
      this.h1Sockets.add(socket);
      socket.once("close", () => this.h1Sockets.delete(socket));
    });
    this.h1.on("clientError", (err, socket) => {
      // A malformed HTTP/1.1 request: answer 400 on that connection only.
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
      this.rt.onError(err, "http/1.1 parse");
    });
    this.h2 = http2.createServer({
      settings: {
        maxConcurrentStreams: options.maxConcurrentStreams ?? 1000,
        maxHeaderListSize: maxHeaderBytes,
      },
    });
    this.h2.on("stream", (stream, headers) => this.onStream(stream, headers));
    this.h2.on("session", (session) => {
      this.sessions.add(session);
      session.on("close", () => this.sessions.delete(session));
      session.on("error", (e) => this.rt.onError(e, "http/2 session"));
      if (this.draining) session.close();
    });
    this.h2.on("sessionError", (e) => this.rt.onError(e, "http/2 session"));
    this.health = new HealthService();
    if (options.health !== false) this.register(this.health.descriptor, this.health.impl());
    if (options.reflection !== false) registerReflection(this);
  }

  /** Serves a protobuf service (from protoc-gen-es) under an optional Dubbo group and version. */
  register<S extends DescService>(service: S, impl: ServiceImpl<S>, options: RegisterOptions = {}): this {
    const group = options.group ?? "";
    const version = options.version ?? "";
    const table = impl as Record<string, ((input: unknown, ctx: HandlerContext) => unknown) | undefined>;
    for (const m of service.methods) {
      const fn = table[m.localName];
      const handler =
        fn !== undefined
          ? fn.bind(impl)
          : () => {
              throw new RpcError(Code.Unimplemented, `${service.typeName}/${m.name} is not implemented`);
            };
      this.router.add({
        info: { service: service.typeName, method: m.name, kind: m.methodKind },
        input: serializersFor(m.input),
        output: serializersFor(m.output),
        handler,
        group,
        version,
      });
    }
    this.files.set(service.file.name, service.file);
    this.health.setStatus(service.typeName, "SERVING");
    return this;
  }

  /** Serves a method described by the caller (used by the SDK for IDL-less interface services). */
  registerMethod(method: ServerMethod): this {
    this.router.add(method);
    this.health.setStatus(method.info.service, "SERVING");
    return this;
  }

  /** The protobuf files of registered services, for reflection. */
  registeredFiles(): DescFile[] {
    return [...this.files.values()];
  }

  async listen(options: ListenOptions = {}): Promise<{ host: string; port: number }> {
    if (this.listener !== undefined) throw new Error("the server is already listening");
    const tlsOpts = this.options.tls;
    const accept = this.admission?.accept?.bind(this.admission);
    const listener = createListener(this.h1, this.h2, tlsOpts, (e) => this.rt.onError(e, "socket"), accept);
    this.listener = listener;
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(options.port ?? 0, options.host ?? "0.0.0.0", () => {
        listener.off("error", reject);
        resolve();
      });
    });
    listener.on("error", (e) => this.rt.onError(e, "listener"));
    const addr = listener.address() as AddressInfo;
    return { host: addr.address, port: addr.port };
  }

  get port(): number {
    const addr = this.listener?.address();
    return addr !== null && typeof addr === "object" ? addr.port : 0;
  }

  /**
   * Graceful shutdown: stop accepting connections, send GOAWAY so clients stop starting calls here,
   * let in-flight calls finish for up to `graceMs`, then cancel the rest and close every connection.
   */
  async close(options: { graceMs?: number } = {}): Promise<void> {
    const graceMs = options.graceMs ?? 10_000;
    this.draining = true;
    this.health.shutdown();
    const listener = this.listener;
    const closed = listener ? new Promise<void>((r) => listener.close(() => r())) : Promise.resolve();
    for (const s of this.sessions) s.close();
    this.h1.closeIdleConnections();
    const allDone = async () => {
      while (this.sessions.size > 0 || (await this.h1Connections()) > 0) {
        await new Promise((r) => setTimeout(r, 20));
        this.h1.closeIdleConnections();
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((r) => {
      timer = setTimeout(r, graceMs);
    });
    await Promise.race([allDone(), deadline]);
    clearTimeout(timer);
    for (const s of this.sessions) s.destroy(); // cancels whatever is still running (handlers see their signal abort)
    this.h1.closeAllConnections();
    for (const s of this.h1Sockets) s.destroy();
    await closed;
  }

  /**
   * Asks every client to go elsewhere while the server keeps listening: GOAWAY on each HTTP/2
   * connection (calls in flight finish), idle HTTP/1.1 connections closed. For a server that stops
   * serving for a while (an xDS-enabled server whose Listener went away).
   */
  goAway(): void {
    for (const s of this.sessions) s.close();
    this.h1.closeIdleConnections();
  }

  private h1Connections(): Promise<number> {
    return Promise.resolve(this.h1Sockets.size);
  }

  private onStream(stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders): void {
    const session = stream.session;
    const peer = session ? peerOf(session, session.socket) : noPeer;
    const ct = headers[H.contentType];
    const format = parseContentType(ct);
    if (this.admission !== undefined && this.refusedStream(stream, headers, format)) return;
    if (format?.protocol === "grpc") {
      if (headers[":method"] !== "POST") {
        return grpcTrailersOnly(
          stream,
          contentTypeOf(format),
          Code.Unimplemented,
          `method ${headers[":method"]} is not supported, use POST`,
        );
      }
      const group = groupOf(headers);
      const version = versionOf(headers);
      const found = this.router.find(headers[":path"] ?? "", group, version);
      if (typeof found !== "object") {
        return grpcTrailersOnly(
          stream,
          contentTypeOf(format),
          Code.Unimplemented,
          notFoundMessage(headers[":path"], found),
        );
      }
      return serveGrpc(
        stream,
        headers,
        found,
        contentTypeOf(format),
        format.codec,
        group,
        version,
        peer,
        this.rt,
      );
    }
    stream.on("error", (e) => this.rt.onError(e, "http/2 stream"));
    const ex = new Http2Unary(stream, headers);
    if (ct?.startsWith("application/grpc")) {
      // application/grpc+thrift and friends: a gRPC client, so answer in gRPC's terms.
      return grpcTrailersOnly(stream, ct, Code.Internal, `unsupported content-type "${ct}"`);
    }
    this.serveUnary(ex, format, peer);
  }

  private onHttp1(req: http.IncomingMessage, res: http.ServerResponse): void {
    const fallback = this.options.httpFallback;
    if (fallback !== undefined && this.router.find(req.url ?? "", "", "") === undefined)
      return fallback(req, res);
    if (this.admission !== undefined && this.refusedHttp1(req, res)) return;
    const ex = new Http1Unary(req, res, this.draining);
    const format = parseContentType(req.headers[H.contentType]);
    if (format?.protocol === "grpc") {
      return respondTripleError(
        ex,
        new RpcError(
          Code.Internal,
          "gRPC needs HTTP/2; use Triple (application/json or application/proto) over HTTP/1.1",
        ),
        undefined,
        415,
      );
    }
    this.serveUnary(ex, format, peerOf(req.socket, req.socket));
  }

  private serveUnary(ex: UnaryHttp, format: ReturnType<typeof parseContentType>, peer: PeerInfo): void {
    const headers = ex.headers;
    const method = ex.method;
    if (method !== "POST") {
      ex.body.resume();
      return respondTripleError(
        ex,
        new RpcError(Code.Unimplemented, `HTTP method ${method} is not supported, use POST`),
        undefined,
        405,
      );
    }
    if (format === undefined) {
      ex.body.resume();
      const ct = headers[H.contentType];
      return respondTripleError(
        ex,
        new RpcError(
          Code.Internal,
          `unsupported content-type "${ct ?? ""}"; use application/json, application/proto or application/grpc`,
        ),
        undefined,
        415,
      );
    }
    const found = this.route(ex.path, headers);
    if (typeof found !== "object") {
      ex.body.resume();
      return respondTripleError(
        ex,
        new RpcError(Code.Unimplemented, notFoundMessage(ex.path, found)),
        undefined,
        404,
      );
    }
    if (found.info.kind !== "unary") {
      ex.body.resume();
      return respondTripleError(
        ex,
        new RpcError(
          Code.Unimplemented,
          `${found.info.service}/${found.info.method} is a streaming method; call it with gRPC (content-type application/grpc) over HTTP/2`,
        ),
        undefined,
        415,
      );
    }
    serveTripleUnary(ex, found, format.codec, groupOf(headers), versionOf(headers), peer, this.rt);
  }

  /** Admission of an HTTP/2 call; true when it was refused (and answered). */
  private refusedStream(
    stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
    format: ReturnType<typeof parseContentType>,
  ): boolean {
    const path = headers[":path"] ?? "";
    const connection = (this.connectionInfos as ConnectionInfos).ofSession(stream.session);
    const err = (this.admission as ServerAdmission).admit({ path, headers, connection });
    if (err === undefined) return false;
    const ct = headers[H.contentType];
    if (format?.protocol === "grpc" || ct?.startsWith("application/grpc")) {
      grpcTrailersOnly(stream, ct ?? "application/grpc", err.code, err.rawMessage);
    } else {
      stream.on("error", (e) => this.rt.onError(e, "http/2 stream"));
      const ex = new Http2Unary(stream, headers);
      ex.body.resume();
      respondTripleError(ex, err);
    }
    return true;
  }

  /** Admission of an HTTP/1.1 request; true when it was refused (and answered). */
  private refusedHttp1(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const connection = (this.connectionInfos as ConnectionInfos).ofRequest(req);
    const err = (this.admission as ServerAdmission).admit({
      path: req.url ?? "",
      headers: req.headers,
      connection,
    });
    if (err === undefined) return false;
    const ex = new Http1Unary(req, res, this.draining);
    ex.body.resume();
    respondTripleError(ex, err);
    return true;
  }

  private route(path: string, headers: RawHeaders): ServerMethod | string | undefined {
    return this.router.find(path, groupOf(headers), versionOf(headers));
  }
}

/** The peer of a connection, kept on its HTTP/2 session or HTTP/1.1 socket: a property read per call. */
const kPeer = Symbol("peer");
const noPeer: PeerInfo = Object.freeze({ address: "", port: 0 });

function peerOf(key: object, socket: { remoteAddress?: string; remotePort?: number } | undefined): PeerInfo {
  const holder = key as { [kPeer]?: PeerInfo };
  let p = holder[kPeer];
  if (p === undefined) {
    p = { address: socket?.remoteAddress ?? "", port: socket?.remotePort ?? 0 };
    holder[kPeer] = p;
  }
  return p;
}

function groupOf(headers: RawHeaders): string {
  const g = headers[H.triServiceGroup] ?? headers[H.restServiceGroup];
  return typeof g === "string" ? g : "";
}

function versionOf(headers: RawHeaders): string {
  const v = headers[H.triServiceVersion] ?? headers[H.restServiceVersion];
  return typeof v === "string" ? v : "";
}

function notFoundMessage(path: string | string[] | undefined, variants: string | undefined): string {
  const p = String(path ?? "");
  if (variants !== undefined)
    return `${p} exists, but not for the requested group/version; available: ${variants}`;
  const parts = p.split("/");
  return parts.length >= 3
    ? `unknown service or method: ${parts[1]}/${parts.slice(2).join("/")}`
    : `malformed path "${p}", expected /<service>/<method>`;
}

function grpcTrailersOnly(
  stream: http2.ServerHttp2Stream,
  contentType: string,
  code: Code,
  message: string,
): void {
  stream.on("error", () => {});
  stream.respond(
    {
      ":status": 200,
      [H.contentType]: contentType,
      [H.grpcStatus]: String(code),
      [H.grpcMessage]: encodeGrpcMessage(message),
    },
    { endStream: true },
  );
  // The call is over before it began (no route, refused): a client still sending is told to stop.
  endRequestSide(stream);
}

export function createTripleServer(options?: TripleServerOptions): TripleServer {
  return new TripleServer(options);
}
