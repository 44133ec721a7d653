import {
  type AnyResponse,
  applyInterceptors,
  type StreamRequest,
  type UnaryRequest,
} from "../interceptor/interceptor.js";
import type { ServerCall } from "./server-call.js";
import type { ServerMethod } from "./server-method.js";
import type { ServerRuntime } from "./server-options.js";

/**
 * Runs the handler, through the server interceptors when there are any. Without interceptors this is
 * a plain function call: no request or response objects are made.
 */
export function invokeHandler(
  method: ServerMethod,
  call: ServerCall,
  input: unknown,
  rt: ServerRuntime,
): unknown {
  if (rt.interceptors === undefined) return method.handler(input, call);
  const kind = method.info.kind;
  const streamIn = kind === "client_streaming" || kind === "bidi_streaming";
  const streamOut = kind === "server_streaming" || kind === "bidi_streaming";
  const chain = applyInterceptors(async (req) => {
    const message = await method.handler(req.message, call);
    return {
      stream: streamOut,
      header: call.responseHeader,
      message,
      trailer: call.responseTrailer,
    } as AnyResponse;
  }, rt.interceptors);
  const req = {
    stream: streamIn,
    method: method.info,
    header: call.requestHeader,
    get signal() {
      return call.signal;
    },
    get timeoutMs() {
      return call.timeoutMs();
    },
    contextValues: call.values,
    message: input,
  } as UnaryRequest | StreamRequest;
  return chain(req).then((res) => res.message);
}
