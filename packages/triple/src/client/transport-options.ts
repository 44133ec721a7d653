import type { Interceptor } from "../interceptor/interceptor.js";
import type { SessionPoolOptions } from "./session-pool.js";

export interface TransportOptions extends SessionPoolOptions {
  /** `http://host:port` or `https://host:port`. */
  baseUrl: string;
  /**
   * `grpc` (default): gRPC framing over HTTP/2 for every kind, the interop path to grpc-js, grpc-go and
   * Dubbo Java. `triple`: unary calls as bare Triple HTTP bodies (over HTTP/2, or HTTP/1.1 with
   * httpVersion "1.1"); streaming calls still use gRPC, as the Triple spec says.
   */
  protocol?: "grpc" | "triple";
  /** Message encoding: protobuf (default) or JSON. */
  codec?: "proto" | "json";
  /** "2" (default) or "1.1"; HTTP/1.1 carries Triple unary calls only. */
  httpVersion?: "2" | "1.1";
  /** Compress requests with gzip (messages of at least compressMinBytes, default 1024). */
  sendCompression?: "gzip" | "identity";
  compressMinBytes?: number;
  /** Largest response message accepted, after decompression (default 4 MiB). */
  readMaxBytes?: number;
  /** Largest request message sent (default 4 MiB). */
  writeMaxBytes?: number;
  /** Client interceptors, outermost first. */
  interceptors?: Interceptor[];
  userAgent?: string;
}
