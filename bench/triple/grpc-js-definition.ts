// Greet as a grpc-js service definition, shared by the grpc-js server and client. Serialization is
// protobuf-es so that grpc-js is compared on its transport, not on protobufjs vs protobuf-es.

import type * as grpc from "@grpc/grpc-js";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  GREET_PATH,
  type GreetRequest,
  type GreetResponse,
} from "./greet.js";

export const greetMethod: grpc.MethodDefinition<GreetRequest, GreetResponse> = {
  path: GREET_PATH,
  requestStream: false,
  responseStream: false,
  requestSerialize: (req) => asBuffer(encodeRequest(req)),
  requestDeserialize: (bytes) => decodeRequest(bytes),
  responseSerialize: (res) => asBuffer(encodeResponse(res)),
  responseDeserialize: (bytes) => decodeResponse(bytes),
  originalName: "Greet",
};

export const greetDefinition: grpc.ServiceDefinition = { greet: greetMethod };

/** grpc-js wants a Buffer; a view over the same memory avoids the copy Buffer.from(u8) makes. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
