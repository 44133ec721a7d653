import type { IncomingMessage, ServerResponse } from "node:http";
import type { Interceptor } from "../interceptor/interceptor.js";
import type { ServerAdmission } from "./admission.js";

export interface TripleServerOptions {
  /** Largest message accepted, after decompression (default 4 MiB). Larger: RESOURCE_EXHAUSTED. */
  readMaxBytes?: number;
  /** Largest message sent (default 4 MiB). Larger: RESOURCE_EXHAUSTED to the caller. */
  writeMaxBytes?: number;
  /** Responses are gzip-compressed when the request was, the client accepts it, and a message has at least this many bytes (default 1024). */
  compressMinBytes?: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS per connection (default 1000). */
  maxConcurrentStreams?: number;
  /** Largest header block accepted, in bytes, on HTTP/2 and HTTP/1.1 (default 16 KiB). */
  maxHeaderBytes?: number;
  /** Server interceptors, outermost first. */
  interceptors?: Interceptor[];
  /** TLS: when given, the port speaks TLS with ALPN h2 and http/1.1. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer; requestCert?: boolean };
  /** Serve grpc.health.v1.Health (default true). */
  health?: boolean;
  /** Serve grpc.reflection v1 and v1alpha (default true). */
  reflection?: boolean;
  /**
   * Serves HTTP/1.1 requests whose path is not a registered method (an admin or REST API sharing the
   * RPC port). Without it such requests get Triple's 404.
   */
  httpFallback?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Called with errors that are not the caller's fault (handler bugs, socket errors). Default: ignore. */
  onError?: (error: unknown, where: string) => void;
  /**
   * Decides per connection and per call whether to serve, seeing both ends of the connection (the
   * SDK's xDS-enabled server: filter chains, RBAC, inbound routes). Default: none, and no cost.
   */
  admission?: ServerAdmission;
}

/** Options after defaults, read on every call. */
export interface ServerRuntime {
  readonly readMaxBytes: number;
  readonly writeMaxBytes: number;
  readonly compressMinBytes: number;
  readonly interceptors: readonly Interceptor[] | undefined;
  readonly onError: (error: unknown, where: string) => void;
}

export function runtimeFrom(options: TripleServerOptions): ServerRuntime {
  return {
    readMaxBytes: options.readMaxBytes ?? 4 * 1024 * 1024,
    writeMaxBytes: options.writeMaxBytes ?? 4 * 1024 * 1024,
    compressMinBytes: options.compressMinBytes ?? 1024,
    interceptors:
      options.interceptors !== undefined && options.interceptors.length > 0
        ? options.interceptors
        : undefined,
    onError: options.onError ?? (() => {}),
  };
}
