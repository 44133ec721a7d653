import type { Serializer } from "../codec/serializer.js";
import type { MethodInfo } from "../interceptor/interceptor.js";
import type { HandlerContext } from "./service-types.js";

/**
 * A method as the server runs it, independent of how it was described (protobuf descriptor, or an
 * IDL-less interface the SDK builds): names, serializers per codec, and one normalised handler.
 *
 * `handler` takes a message (unary, server streaming) or an AsyncIterable of messages (client, bidi)
 * and returns a value or promise (unary, client streaming) or an AsyncIterable (server, bidi).
 */
export interface ServerMethod {
  readonly info: MethodInfo;
  readonly input: { readonly proto: Serializer<unknown>; readonly json: Serializer<unknown> };
  readonly output: { readonly proto: Serializer<unknown>; readonly json: Serializer<unknown> };
  readonly handler: (input: unknown, context: HandlerContext) => unknown;
  readonly group: string;
  readonly version: string;
}
