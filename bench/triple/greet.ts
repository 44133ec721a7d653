// The workload every target serves or calls: greet.v1.GreetService/Greet, one small message each way.

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  type GreetRequest,
  GreetRequestSchema,
  type GreetResponse,
  GreetResponseSchema,
} from "../../packages/triple/test/gen/greet/v1/greet_pb.js";
import { encodeFrame } from "./grpc-frame.js";

export { GreetService } from "../../packages/triple/test/gen/greet/v1/greet_pb.js";
export type { GreetRequest, GreetResponse };

export const GREET_PATH = "/greet.v1.GreetService/Greet";
export const NAME = "world";
export const EXPECTED_GREETING = "Hello, world";

/** The business logic, identical for every server. */
export function greet(name: string): string {
  return "Hello, " + name;
}

export function encodeRequest(req: GreetRequest): Uint8Array {
  return toBinary(GreetRequestSchema, req);
}
export function decodeRequest(bytes: Uint8Array): GreetRequest {
  return fromBinary(GreetRequestSchema, bytes);
}
export function encodeResponse(res: GreetResponse): Uint8Array {
  return toBinary(GreetResponseSchema, res);
}
export function decodeResponse(bytes: Uint8Array): GreetResponse {
  return fromBinary(GreetResponseSchema, bytes);
}
export function makeRequest(name: string): GreetRequest {
  return create(GreetRequestSchema, { name });
}
export function makeResponse(greeting: string): GreetResponse {
  return create(GreetResponseSchema, { greeting });
}

/** gRPC request h2load sends: 00 00000007 0a05 "world". */
export const GRPC_REQUEST_FRAME: Buffer = encodeFrame(encodeRequest(makeRequest(NAME)));
/** JSON request for the HTTP/1.1 rows (Triple and Connect unary JSON share this shape). */
export const JSON_REQUEST_BODY: Buffer = Buffer.from(JSON.stringify({ name: NAME }));
