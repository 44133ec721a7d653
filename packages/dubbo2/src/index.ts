// @dubbo-mesh/dubbo2: the Dubbo2 TCP protocol (dubbo://) on Hessian2 — framing, requests and
// responses, events and heartbeats, a pooled client, a server with a dispatch hook — plus the
// serializers of Triple's wrapper mode for calling Java interface services over Triple.

export {
  createDubbo2Client,
  Dubbo2Client,
} from "./client/client.js";
export {
  ECHO,
  GENERIC_INVOKE,
  GENERIC_INVOKE_ASYNC,
  GENERIC_PARAMETER_TYPES,
  type GenericCall,
  genericInvocation,
} from "./client/generic.js";
export type {
  Dubbo2CallOptions,
  Dubbo2ClientOptions,
  Dubbo2Invocation,
  Dubbo2Result,
} from "./client/options.js";
export { DescriptorError, parseDescriptor, toDescriptor, typeDescriptor } from "./descriptor.js";
export { Dubbo2DecodeError, Dubbo2Error, Dubbo2ProtocolError } from "./errors.js";
export { eventKind, heartbeatRequest, heartbeatResponse, READONLY_EVENT, readonlyEvent } from "./events.js";
export { toJavaThrowable } from "./exception.js";
export { DEFAULT_MAX_PAYLOAD, FrameDecoder, type FrameSink } from "./frame-decoder.js";
export {
  encodeHeader,
  FLAG_EVENT,
  FLAG_REQUEST,
  FLAG_TWOWAY,
  type FrameHeader,
  HEADER_LENGTH,
  isEvent,
  isRequest,
  isTwoWay,
  looksLikeDubbo2,
  MAGIC,
  type RequestId,
  SERIALIZATION_HESSIAN2,
  serializationOf,
} from "./header.js";
export { DEFAULT_HEARTBEAT_MS, MISSED_HEARTBEATS } from "./heartbeat.js";
export {
  type DecodedRequest,
  decodeRequestBody,
  encodeRequestBody,
  type RequestData,
} from "./request-codec.js";
export {
  type DecodedResponse,
  decodeErrorBody,
  decodeResponseBody,
  encodeErrorBody,
  encodeResponseBody,
  RESPONSE_NULL_VALUE,
  RESPONSE_NULL_VALUE_WITH_ATTACHMENTS,
  RESPONSE_VALUE,
  RESPONSE_VALUE_WITH_ATTACHMENTS,
  RESPONSE_WITH_EXCEPTION,
  RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS,
  type ResponseOutcome,
} from "./response-codec.js";
export type { Dubbo2Dispatcher, Dubbo2Outcome, Dubbo2ServerInvocation } from "./server/dispatch.js";
export { generalize } from "./server/generic.js";
export type { Dubbo2CloseOptions, Dubbo2ListenOptions, Dubbo2ServerOptions } from "./server/options.js";
export { createDubbo2Server, Dubbo2Server } from "./server/server.js";
export { Status, type StatusCode, type StatusName, statusName } from "./status.js";
export {
  HESSIAN4,
  type TripleWrapperMethod,
  type TripleWrapperMethodOptions,
  tripleWrapperMethod,
  WRAPPED_EXCEPTION_TYPE,
  type WrapperSerializer,
} from "./triple-wrapper/method.js";
export {
  decodeRequestWrapper,
  decodeResponseWrapper,
  encodeRequestWrapper,
  encodeResponseWrapper,
  type TripleRequestWrapper,
  type TripleResponseWrapper,
  WrapperDecodeError,
} from "./triple-wrapper/protobuf.js";
export { DUBBO_PROTOCOL_VERSION, supportsResponseAttachments } from "./version.js";
