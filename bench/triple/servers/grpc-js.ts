// @grpc/grpc-js serving Greet with a hand-made service definition: protobuf-es does the
// (de)serialization, so the message codec is the same as in every other target.

import * as grpc from "@grpc/grpc-js";
import { guardChild } from "../../lib/child-guard.js";
import { send } from "../../lib/child-protocol.js";
import { type GreetRequest, type GreetResponse, greet, makeResponse } from "../greet.js";
import { greetDefinition } from "../grpc-js-definition.js";

guardChild(900);

const server = new grpc.Server();
const handleGreet: grpc.handleUnaryCall<GreetRequest, GreetResponse> = (call, callback) =>
  callback(null, makeResponse(greet(call.request.name)));
server.addService(greetDefinition, { greet: handleGreet });
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  send({ event: "listening", port });
});
