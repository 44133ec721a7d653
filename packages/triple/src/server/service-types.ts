import type { DescMessage, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { ContextValues, MethodInfo } from "../interceptor/interceptor.js";
import type { Metadata } from "../metadata/metadata.js";

/** What a handler knows about its call. Everything costly (signal, metadata copies) is made on first use. */
export interface HandlerContext {
  readonly method: MethodInfo;
  /** `grpc` for gRPC framing over HTTP/2, `triple` for bare unary bodies over HTTP/1.1 or HTTP/2. */
  readonly protocol: "grpc" | "triple";
  readonly codec: "proto" | "json";
  /** Dubbo group and version the request was routed by (empty when none). */
  readonly group: string;
  readonly version: string;
  /** Request metadata (Dubbo attachments). */
  readonly requestHeader: Metadata;
  /** Sent with the response headers (written before the first message). */
  readonly responseHeader: Metadata;
  /** Sent with the trailers (gRPC) or as `trailer-*` headers (Triple unary). */
  readonly responseTrailer: Metadata;
  /** Aborted with an RpcError when the client cancels or the deadline passes. */
  readonly signal: AbortSignal;
  /** Milliseconds until the deadline, or undefined when the call has none. */
  timeoutMs(): number | undefined;
  readonly peer: { readonly address: string; readonly port: number };
  readonly values: ContextValues;
}

type Init<O extends DescMessage> = MessageInitShape<O> | MessageShape<O>;

export type UnaryImpl<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: HandlerContext,
) => Init<O> | Promise<Init<O>>;

export type ServerStreamingImpl<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  context: HandlerContext,
) => AsyncIterable<Init<O>>;

export type ClientStreamingImpl<I extends DescMessage, O extends DescMessage> = (
  requests: AsyncIterable<MessageShape<I>>,
  context: HandlerContext,
) => Promise<Init<O>>;

export type BidiStreamingImpl<I extends DescMessage, O extends DescMessage> = (
  requests: AsyncIterable<MessageShape<I>>,
  context: HandlerContext,
) => AsyncIterable<Init<O>>;

export type MethodImpl<M> = M extends {
  methodKind: "unary";
  input: infer I extends DescMessage;
  output: infer O extends DescMessage;
}
  ? UnaryImpl<I, O>
  : M extends {
        methodKind: "server_streaming";
        input: infer I extends DescMessage;
        output: infer O extends DescMessage;
      }
    ? ServerStreamingImpl<I, O>
    : M extends {
          methodKind: "client_streaming";
          input: infer I extends DescMessage;
          output: infer O extends DescMessage;
        }
      ? ClientStreamingImpl<I, O>
      : M extends {
            methodKind: "bidi_streaming";
            input: infer I extends DescMessage;
            output: infer O extends DescMessage;
          }
        ? BidiStreamingImpl<I, O>
        : never;

/**
 * A service implementation keyed by the descriptor's method names (`greet`, `greetServerStream`, ...).
 * Methods left out answer UNIMPLEMENTED.
 */
export type ServiceImpl<S extends DescService> = {
  [K in keyof S["method"]]?: MethodImpl<S["method"][K]>;
};
