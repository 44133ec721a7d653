import type { ContextValues } from "../interceptor/interceptor.js";
import type { Metadata, MetadataInit } from "../metadata/metadata.js";

/** Per-call options, the same for every RPC kind and every transport. */
export interface CallOptions {
  /** Deadline in milliseconds from now; sent as `grpc-timeout` / `tri-service-timeout`. */
  timeoutMs?: number;
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
  /** Request metadata (Dubbo attachments). */
  headers?: MetadataInit;
  /** Dubbo service group and version, sent as `tri-service-group` / `tri-service-version`. */
  group?: string;
  version?: string;
  /** Called with the response headers when they arrive. */
  onHeader?: (header: Metadata) => void;
  /** Called with the trailers when the call ends (also on error). */
  onTrailer?: (trailer: Metadata) => void;
  /** Values handed to client interceptors. */
  contextValues?: ContextValues;
}
