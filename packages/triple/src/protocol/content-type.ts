/** What a request's content-type selects: the sub-protocol (gRPC framing or bare Triple unary) and the codec. */
export interface WireFormat {
  readonly protocol: "grpc" | "triple";
  readonly codec: "proto" | "json";
}

const grpcProto: WireFormat = { protocol: "grpc", codec: "proto" };
const grpcJson: WireFormat = { protocol: "grpc", codec: "json" };
const tripleProto: WireFormat = { protocol: "triple", codec: "proto" };
const tripleJson: WireFormat = { protocol: "triple", codec: "json" };

/**
 * Parses a request content-type. Parameters (`; charset=utf-8`) are ignored; `application/grpc` alone
 * means protobuf; `application/x-protobuf` and `application/protobuf` are accepted as aliases some HTTP
 * clients use. Returns undefined for anything we cannot serve (the caller answers 415).
 */
export function parseContentType(value: string | undefined): WireFormat | undefined {
  if (value === undefined) return undefined;
  // Fast path: the exact strings every gRPC client sends.
  switch (value) {
    case "application/grpc":
    case "application/grpc+proto":
      return grpcProto;
    case "application/json":
      return tripleJson;
    case "application/proto":
      return tripleProto;
  }
  const semi = value.indexOf(";");
  const base = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  switch (base) {
    case "application/grpc":
    case "application/grpc+proto":
      return grpcProto;
    case "application/grpc+json":
      return grpcJson;
    case "application/json":
      return tripleJson;
    case "application/proto":
    case "application/protobuf":
    case "application/x-protobuf":
      return tripleProto;
    default:
      return undefined;
  }
}

export function contentTypeOf(format: WireFormat): string {
  if (format.protocol === "grpc")
    return format.codec === "proto" ? "application/grpc" : "application/grpc+json";
  return format.codec === "proto" ? "application/proto" : "application/json";
}
