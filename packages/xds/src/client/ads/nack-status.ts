// The error_detail of a NACK: google.rpc.Status INVALID_ARGUMENT with one line per rejected resource
// (each already names the resource and the field), which istiod logs and counts (grpc/grpc-go#3969).
import { create } from "@bufbuild/protobuf";
import { type Status, StatusSchema } from "../../gen/google/rpc/status_pb.js";

const INVALID_ARGUMENT = 3;

export function nackStatus(reasons: readonly string[]): Status {
  return create(StatusSchema, { code: INVALID_ARGUMENT, message: reasons.join("\n") });
}
