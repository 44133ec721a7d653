// @grpc/grpc-js client: one channel (one HTTP/2 connection), generic makeUnaryRequest with the
// protobuf-es serializers shared with the grpc-js server.

import * as grpc from "@grpc/grpc-js";
import { GREET_PATH, makeRequest, NAME } from "../greet.js";
import { greetMethod } from "../grpc-js-definition.js";
import { clientMain } from "./load-loop.js";

await clientMain(async ({ port }) => {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return () =>
    new Promise<string>((resolve, reject) => {
      client.makeUnaryRequest(
        GREET_PATH,
        greetMethod.requestSerialize,
        greetMethod.responseDeserialize,
        makeRequest(NAME),
        (error, response) =>
          error || !response ? reject(error ?? new Error("no response")) : resolve(response.greeting),
      );
    });
});
