// @grpc/grpc-js as a peer: the greet.v1 service loaded with @grpc/proto-loader from the repository's
// .proto, a typed client constructor, and a grpc-js server that mirrors support/greeter.ts (same
// special request names, same metadata echo), recording what it saw.
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { detailBytes, detailMessage, headerBin, names, trailerBin } from "./greeter.js";
import { encodeStatus } from "./status-proto.js";

export const greetProtoPath = fileURLToPath(
  new URL("../../../../../proto/greet/v1/greet.proto", import.meta.url),
);

export interface GreetRequest {
  name: string;
}
export interface GreetResponse {
  greeting: string;
}

/** The client grpc-js builds from the service definition (methods under their camelCase names). */
export interface GreetClient extends grpc.Client {
  greet(
    req: GreetRequest,
    md: grpc.Metadata,
    options: grpc.CallOptions,
    cb: grpc.requestCallback<GreetResponse>,
  ): grpc.ClientUnaryCall;
  greetServerStream(
    req: GreetRequest,
    md?: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientReadableStream<GreetResponse>;
  greetClientStream(
    md: grpc.Metadata,
    options: grpc.CallOptions,
    cb: grpc.requestCallback<GreetResponse>,
  ): grpc.ClientWritableStream<GreetRequest>;
  greetBidiStream(
    md?: grpc.Metadata,
    options?: grpc.CallOptions,
  ): grpc.ClientDuplexStream<GreetRequest, GreetResponse>;
}

type GreetClientCtor = new (
  address: string,
  creds: grpc.ChannelCredentials,
  options?: grpc.ChannelOptions,
) => GreetClient;

export function loadGreet(): { Client: GreetClientCtor; service: grpc.ServiceDefinition } {
  const def = protoLoader.loadSync(greetProtoPath, { keepCase: true, defaults: true });
  const pkg = grpc.loadPackageDefinition(def);
  const v1 = (pkg.greet as grpc.GrpcObject).v1 as grpc.GrpcObject;
  const ctor = v1.GreetService as grpc.ServiceClientConstructor;
  return { Client: ctor as unknown as GreetClientCtor, service: ctor.service };
}

/** The details trailer a grpc-js server has to build itself: google.rpc.Status, by hand. */
export function detailsTrailer(code: number): Buffer {
  return encodeStatus({
    code,
    message: detailMessage,
    details: [{ typeUrl: "type.googleapis.com/google.rpc.ErrorInfo", value: detailBytes }],
  });
}

/** What every grpc-js server call offers (grpc-js does not export its ServerSurfaceCall type). */
interface SurfaceCall {
  readonly metadata: grpc.Metadata;
  sendMetadata(md: grpc.Metadata): void;
  on(event: "cancelled", listener: () => void): unknown;
}

class Deferred<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  constructor() {
    this.promise = new Promise<T>((r) => {
      this.resolve = r;
    });
  }
}

/** What the grpc-js handlers saw. */
export class GrpcJsLog {
  readonly requestMetadata: grpc.Metadata[] = [];
  /** The deadline grpc-js derived from our `grpc-timeout` for a "sleep" call. */
  readonly sleepDeadlines: grpc.Deadline[] = [];
  private readonly cancels = new Map<string, Deferred<void>>();

  /** Resolves when grpc-js reports the call with that request name cancelled. */
  cancelled(name: string): Promise<void> {
    return this.slot(name).promise;
  }

  watch(name: string, call: SurfaceCall): void {
    call.on("cancelled", () => this.slot(name).resolve());
  }

  private slot(name: string): Deferred<void> {
    let d = this.cancels.get(name);
    if (d === undefined) {
      d = new Deferred();
      this.cancels.set(name, d);
    }
    return d;
  }
}

function responseHeaders(call: SurfaceCall): void {
  const md = new grpc.Metadata();
  const id = call.metadata.get("x-request-id")[0];
  if (typeof id === "string") md.set("x-echo-request-id", id);
  const trace = call.metadata.get("x-trace-bin")[0];
  if (trace instanceof Buffer) md.set("x-echo-trace-bin", trace);
  md.set("x-header-bin", Buffer.from(headerBin));
  call.sendMetadata(md);
}

function trailers(): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("x-trailer", "done");
  md.set("x-trailer-bin", Buffer.from(trailerBin));
  return md;
}

function unaryError(name: string): grpc.ServerErrorResponse | undefined {
  if (name === names.error) {
    return Object.assign(new Error("the name must not be 'error'"), {
      code: grpc.status.INVALID_ARGUMENT,
    });
  }
  if (name === names.details) {
    const md = new grpc.Metadata();
    md.set("grpc-status-details-bin", detailsTrailer(grpc.status.FAILED_PRECONDITION));
    md.set("x-error-id", "e-1");
    return Object.assign(new Error(detailMessage), {
      code: grpc.status.FAILED_PRECONDITION,
      details: detailMessage,
      metadata: md,
    });
  }
  return undefined;
}

export function grpcJsGreeter(log: GrpcJsLog): grpc.UntypedServiceImplementation {
  const greet: grpc.handleUnaryCall<GreetRequest, GreetResponse> = (call, callback) => {
    log.requestMetadata.push(call.metadata);
    const name = call.request.name;
    const err = unaryError(name);
    if (err !== undefined) return callback(err);
    if (name === names.sleep) {
      log.sleepDeadlines.push(call.getDeadline());
      log.watch(names.sleep, call);
      return; // never answers; the caller's deadline ends the call
    }
    responseHeaders(call);
    callback(null, { greeting: `Hello, ${name}` }, trailers());
  };
  const greetServerStream: grpc.handleServerStreamingCall<GreetRequest, GreetResponse> = (call) => {
    log.requestMetadata.push(call.metadata);
    const name = call.request.name;
    if (name === names.endless) {
      log.watch(names.endless, call);
      let i = 0;
      const timer = setInterval(() => {
        if (call.cancelled) return clearInterval(timer);
        call.write({ greeting: `Hello, ${name} #${++i}` });
      }, 5);
      call.on("cancelled", () => clearInterval(timer));
      return;
    }
    responseHeaders(call);
    for (let i = 1; i <= 3; i++) {
      if (name === names.midStreamError && i === 3) {
        call.emit("error", { code: grpc.status.FAILED_PRECONDITION, details: "stopped after two" });
        return;
      }
      call.write({ greeting: `Hello, ${name} #${i}` });
    }
    call.end(trailers());
  };
  const greetClientStream: grpc.handleClientStreamingCall<GreetRequest, GreetResponse> = (call, callback) => {
    log.requestMetadata.push(call.metadata);
    const seen: string[] = [];
    call.on("data", (r: GreetRequest) => seen.push(r.name));
    call.on("end", () => {
      responseHeaders(call);
      callback(null, { greeting: `Hello, ${seen.join(", ")}` }, trailers());
    });
  };
  const greetBidiStream: grpc.handleBidiStreamingCall<GreetRequest, GreetResponse> = (call) => {
    log.requestMetadata.push(call.metadata);
    responseHeaders(call);
    call.on("data", (r: GreetRequest) => call.write({ greeting: `Hello, ${r.name}` }));
    call.on("end", () => call.end(trailers()));
  };
  return {
    greet,
    greetServerStream,
    greetClientStream,
    greetBidiStream,
  } as grpc.UntypedServiceImplementation;
}

/** Starts a grpc-js server on 127.0.0.1:0. */
export async function startGrpcJsServer(
  log: GrpcJsLog,
  options: grpc.ServerOptions = {},
): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server(options);
  server.addService(loadGreet().service, grpcJsGreeter(log));
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { server, port };
}

/** Stops a grpc-js server, cancelling whatever still runs after a short grace. */
export function stopGrpcJsServer(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.forceShutdown(), 200);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
