import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import type { ErrorDetail } from "./rpc-error.js";

const typePrefix = "type.googleapis.com/";

/** Encodes `grpc-status-details-bin`: base64 of google.rpc.Status{code, message, details}. */
export function encodeStatusDetails(code: number, message: string, details: readonly ErrorDetail[]): string {
  const status = create(StatusSchema, {
    code,
    message,
    details: details.map((d) => create(AnySchema, { typeUrl: typePrefix + d.type, value: d.value })),
  });
  return Buffer.from(toBinary(StatusSchema, status)).toString("base64");
}

/** Decodes `grpc-status-details-bin`; returns undefined when it is not a valid google.rpc.Status. */
export function decodeStatusDetails(
  value: string,
): { code: number; message: string; details: ErrorDetail[] } | undefined {
  try {
    const status = fromBinary(StatusSchema, Buffer.from(value, "base64"));
    return {
      code: status.code,
      message: status.message,
      details: status.details.map((a) => ({
        type: a.typeUrl.slice(a.typeUrl.lastIndexOf("/") + 1),
        value: a.value,
      })),
    };
  } catch {
    return undefined;
  }
}
