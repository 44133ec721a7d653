export type { CallOptions } from "./client/call-options.js";
export { type Client, type ClientDefaults, type ClientMethod, createClient } from "./client/client.js";
export type { Transport } from "./client/transport.js";
export type { TransportOptions } from "./client/transport-options.js";
export { createTransport, TripleTransport } from "./client/triple-transport.js";
export { type WireMethod, wireMethodOf } from "./client/wire-method.js";
export { jsonSerializer, protoSerializer, type Serializer, serializersFor } from "./codec/serializer.js";
export type {
  AnyFn,
  AnyRequest,
  AnyResponse,
  ContextValues,
  Interceptor,
  MethodInfo,
  MethodKind,
  StreamRequest,
  StreamResponse,
  UnaryRequest,
  UnaryResponse,
} from "./interceptor/interceptor.js";
export { Metadata, type MetadataInit, type MetadataValue } from "./metadata/metadata.js";
export { Code, codeToString, parseCode } from "./protocol/code.js";
export { EnvelopeParser, encodeEnvelope } from "./protocol/envelope.js";
export { codeToHttpStatus, httpStatusToCode } from "./protocol/http-status.js";
export { type ErrorDetail, RpcError } from "./protocol/rpc-error.js";
export { formatGrpcTimeout, parseGrpcTimeout } from "./protocol/timeout.js";
export type { AdmissionCall, ConnectionInfo, ServerAdmission, TlsAcceptance } from "./server/admission.js";
export { HealthService, type ServingStatus } from "./server/health.js";
export {
  createTripleServer,
  type ListenOptions,
  type RegisterOptions,
  TripleServer,
} from "./server/server.js";
export type { ServerMethod } from "./server/server-method.js";
export type { TripleServerOptions } from "./server/server-options.js";
export type { HandlerContext, MethodImpl, ServiceImpl } from "./server/service-types.js";
