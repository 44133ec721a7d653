import type { ContextValues, MethodInfo } from "../interceptor/interceptor.js";
import { Metadata, type RawHeaders } from "../metadata/metadata.js";
import { Code } from "../protocol/code.js";
import { RpcError } from "../protocol/rpc-error.js";
import type { HandlerContext } from "./service-types.js";

export interface PeerInfo {
  readonly address: string;
  readonly port: number;
}

/** What answers DEADLINE_EXCEEDED on the wire when a call's deadline passes (the call's exchange). */
export interface DeadlineTarget {
  fail(reason: unknown): void;
}

/**
 * The per-call state shared by the gRPC and Triple exchanges, exposed to handlers as HandlerContext.
 * Kept to plain fields: an AbortController, metadata objects and the context map are only made when
 * the handler (or an interceptor) reads them, which is what keeps a unary call cheap.
 */
export class ServerCall implements HandlerContext {
  private controller: AbortController | undefined;
  private reqHeader: Metadata | undefined;
  private resHeader: Metadata | undefined;
  private resTrailer: Metadata | undefined;
  private ctxValues: ContextValues | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Absolute deadline (Date.now() based) or 0 for none. */
  private deadline = 0;
  /** Set once the call is over for any reason: the response was sent, or it was cancelled. */
  done = false;
  /** The reason the call was cut short (cancel, deadline, shutdown). */
  abortReason: RpcError | undefined;

  constructor(
    readonly method: MethodInfo,
    readonly protocol: "grpc" | "triple",
    readonly codec: "proto" | "json",
    readonly group: string,
    readonly version: string,
    private readonly rawHeaders: RawHeaders,
    /** Shared by every call of one connection. */
    readonly peer: PeerInfo,
  ) {}

  get requestHeader(): Metadata {
    this.reqHeader ??= Metadata.fromWire(this.rawHeaders);
    return this.reqHeader;
  }

  get responseHeader(): Metadata {
    this.resHeader ??= new Metadata();
    return this.resHeader;
  }

  get responseTrailer(): Metadata {
    this.resTrailer ??= new Metadata();
    return this.resTrailer;
  }

  /** Metadata objects only if something was put in them (no allocation on the fast path). */
  get responseHeaderIfAny(): Metadata | undefined {
    return this.resHeader;
  }

  get responseTrailerIfAny(): Metadata | undefined {
    return this.resTrailer;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.abortReason !== undefined) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  get values(): ContextValues {
    this.ctxValues ??= new Map();
    return this.ctxValues;
  }

  timeoutMs(): number | undefined {
    return this.deadline === 0 ? undefined : Math.max(0, this.deadline - Date.now());
  }

  /** Arms the deadline; `onExpire` answers DEADLINE_EXCEEDED on the wire. */
  startDeadline(ms: number, onExpire: DeadlineTarget): void {
    this.deadline = Date.now() + ms;
    this.timer = setTimeout(() => {
      if (this.done) return;
      const err = new RpcError(Code.DeadlineExceeded, `deadline of ${ms} ms exceeded`);
      onExpire.fail(err);
      this.abort(err);
    }, ms);
  }

  /** Marks the call cut short and tells the handler through its signal. */
  abort(reason: RpcError): void {
    if (this.abortReason !== undefined) return;
    this.abortReason = reason;
    this.done = true;
    this.clearTimer();
    this.controller?.abort(reason);
  }

  /** The response is complete. */
  finish(): void {
    this.done = true;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
