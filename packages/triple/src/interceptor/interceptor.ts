import type { Metadata } from "../metadata/metadata.js";

/** The method an interceptor sees: names as they travel on the wire (`/<service>/<method>`). */
export interface MethodInfo {
  /** Service name on the wire: a protobuf service's full name or a Java interface name. */
  readonly service: string;
  readonly method: string;
  readonly kind: MethodKind;
}

export type MethodKind = "unary" | "server_streaming" | "client_streaming" | "bidi_streaming";

/** Values that flow from interceptors to handlers (and client interceptors to the transport). */
export type ContextValues = Map<symbol | string, unknown>;

interface RequestCommon {
  readonly method: MethodInfo;
  /** Request metadata (Dubbo: attachments). Interceptors may add to it on the client side. */
  readonly header: Metadata;
  /** Aborted when the call is cancelled or its deadline passes. Made on first read. */
  readonly signal: AbortSignal;
  /** Milliseconds left until the deadline, if any. */
  readonly timeoutMs: number | undefined;
  readonly contextValues: ContextValues;
}

export interface UnaryRequest<I = unknown> extends RequestCommon {
  readonly stream: false;
  readonly message: I;
}

export interface StreamRequest<I = unknown> extends RequestCommon {
  readonly stream: true;
  readonly message: AsyncIterable<I>;
}

export interface UnaryResponse<O = unknown> {
  readonly stream: false;
  readonly header: Metadata;
  readonly message: O;
  readonly trailer: Metadata;
}

export interface StreamResponse<O = unknown> {
  readonly stream: true;
  readonly header: Metadata;
  readonly message: AsyncIterable<O>;
  readonly trailer: Metadata;
}

export type AnyRequest = UnaryRequest | StreamRequest;
export type AnyResponse = UnaryResponse | StreamResponse;
export type UnaryFn = (req: UnaryRequest) => Promise<UnaryResponse>;
export type StreamFn = (req: StreamRequest) => Promise<StreamResponse>;
export type AnyFn = (req: AnyRequest) => Promise<AnyResponse>;

/**
 * The connect-es shape, used on both sides: `(next) => async (req) => { ...; return await next(req); }`.
 * An interceptor that only cares about unary calls checks `req.stream`.
 */
export type Interceptor = (next: AnyFn) => AnyFn;

export function applyInterceptors(fn: AnyFn, interceptors: readonly Interceptor[] | undefined): AnyFn {
  if (interceptors === undefined) return fn;
  let next = fn;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i](next);
  return next;
}
