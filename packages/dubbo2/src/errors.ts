// Errors of the dubbo2 package. Dubbo2Error is what a call fails with; the SDK maps it onto its own
// error type (this package does not depend on triple, so there is no RpcError here).

import type { JavaException } from "@dubbo-mesh/hessian2";
import { Status, statusName } from "./status.js";

/**
 * A failed Dubbo2 call. Either the response had a non-OK status (or a local condition is reported with
 * the same codes: CLIENT_TIMEOUT, CHANNEL_INACTIVE, ...), and `message` is the peer's error message;
 * or the response was OK but carried the Java exception the method threw (RESPONSE_WITH_EXCEPTION):
 * then `status` is OK (20) and `exception` is the decoded Throwable.
 */
export class Dubbo2Error extends Error {
  override readonly name = "Dubbo2Error";
  /** A Dubbo response status (status.ts). OK (20) when the provider answered with an exception. */
  readonly status: number;
  /** The Java exception the provider's method threw (RESPONSE_WITH_EXCEPTION), decoded. */
  readonly exception: JavaException | undefined;
  /** The raw decoded exception value when it is not a recognisable Throwable. */
  readonly exceptionValue: unknown;

  constructor(status: number, message: string, options: { exception?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.exceptionValue = options.exception;
    this.exception = isJavaException(options.exception) ? options.exception : undefined;
  }

  /** "BAD_REQUEST" etc. */
  get statusName(): string {
    return statusName(this.status);
  }

  /** True for RESPONSE_WITH_EXCEPTION: the call reached the method, which threw. */
  get isBusinessException(): boolean {
    return this.status === Status.OK && this.exceptionValue !== undefined;
  }
}

function isJavaException(value: unknown): value is JavaException {
  return value instanceof Error && "className" in value && "javaStackTrace" in value;
}

/**
 * The byte stream of a connection cannot be read any further (bad magic, negative length, a
 * serialization we do not speak in a frame whose request id is unreadable...). The connection is closed.
 */
export class Dubbo2ProtocolError extends Error {
  override readonly name = "Dubbo2ProtocolError";
}

/**
 * One frame's body could not be decoded (bad Hessian, a descriptor that does not parse, a value of the
 * wrong type). The stream itself is intact: the server answers BAD_REQUEST for that request id.
 */
export class Dubbo2DecodeError extends Error {
  override readonly name = "Dubbo2DecodeError";
}
