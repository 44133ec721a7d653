import { Metadata } from "../metadata/metadata.js";
import type { Code } from "./code.js";
import { codeToString } from "./code.js";

/** One entry of google.rpc.Status.details: a packed protobuf message (type name + bytes). */
export interface ErrorDetail {
  /** Fully-qualified protobuf type name, e.g. `google.rpc.ErrorInfo`. */
  readonly type: string;
  readonly value: Uint8Array;
}

/**
 * The one error type of the project: every failed call, client or server side, surfaces as an RpcError
 * with a gRPC code, the peer's message, details from `grpc-status-details-bin`, and the metadata
 * (headers + trailers) the peer sent with it.
 */
export class RpcError extends Error {
  override readonly name = "RpcError";
  readonly code: Code;
  /** The message without the `[code]` prefix that `message` carries. */
  readonly rawMessage: string;
  readonly details: ErrorDetail[];
  readonly metadata: Metadata;

  constructor(
    code: Code,
    message: string,
    options?: { details?: ErrorDetail[]; metadata?: Metadata; cause?: unknown },
  ) {
    super(message ? `[${codeToString(code)}] ${message}` : `[${codeToString(code)}]`, {
      cause: options?.cause,
    });
    this.code = code;
    this.rawMessage = message;
    this.details = options?.details ?? [];
    this.metadata = options?.metadata ?? new Metadata();
  }

  /** Turns anything thrown into an RpcError; non-RpcErrors become `fallback` (UNKNOWN by default). */
  static from(reason: unknown, fallback: Code = 2 as Code): RpcError {
    if (reason instanceof RpcError) return reason;
    if (reason instanceof Error) {
      if (reason.name === "AbortError")
        return new RpcError(1 as Code, "operation was aborted", { cause: reason });
      return new RpcError(fallback, reason.message, { cause: reason });
    }
    return new RpcError(fallback, String(reason));
  }
}
