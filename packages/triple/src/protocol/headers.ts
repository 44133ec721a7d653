/** Header names used on the wire, lower case as HTTP/2 requires. */
export const H = {
  contentType: "content-type",
  contentEncoding: "content-encoding",
  acceptEncoding: "accept-encoding",
  userAgent: "user-agent",
  te: "te",
  grpcTimeout: "grpc-timeout",
  grpcEncoding: "grpc-encoding",
  grpcAcceptEncoding: "grpc-accept-encoding",
  grpcStatus: "grpc-status",
  grpcMessage: "grpc-message",
  grpcStatusDetails: "grpc-status-details-bin",
  triServiceGroup: "tri-service-group",
  triServiceVersion: "tri-service-version",
  triServiceTimeout: "tri-service-timeout",
  triProtocolVersion: "tri-protocol-version",
  triConsumerAppName: "tri-consumer-appname",
  /** dubbo-go's spelling of the unary timeout (milliseconds). */
  tripleTimeoutMs: "triple-timeout-ms",
  /** Connect's spelling, sent by connect-es / dubbo-js clients. */
  connectTimeoutMs: "connect-timeout-ms",
  /** Java REST fallback for group/version. */
  restServiceGroup: "rest-service-group",
  restServiceVersion: "rest-service-version",
  /** Unary Triple/Connect responses carry trailers as headers with this prefix. */
  trailerPrefix: "trailer-",
} as const;

/**
 * Headers that belong to the protocol, not to the application: never surfaced as attachments and
 * never copied from user metadata onto the wire.
 */
const reserved = new Set<string>([
  H.contentType,
  H.contentEncoding,
  H.acceptEncoding,
  H.te,
  H.grpcTimeout,
  H.grpcEncoding,
  H.grpcAcceptEncoding,
  H.grpcStatus,
  H.grpcMessage,
  H.grpcStatusDetails,
  H.triServiceTimeout,
  H.tripleTimeoutMs,
  H.connectTimeoutMs,
  H.triProtocolVersion,
  "connection",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "http2-settings",
]);

export function isReservedHeader(name: string): boolean {
  return name.charCodeAt(0) === 58 /* ':' */ || reserved.has(name);
}
