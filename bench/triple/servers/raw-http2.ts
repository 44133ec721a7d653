// The ceiling for gRPC: node:http2 with no framework, doing the same work as the frameworks
// (decode the request message, encode the response message, grpc-status trailer).

import * as http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { guardChild } from "../../lib/child-guard.js";
import { send } from "../../lib/child-protocol.js";
import { decodeRequest, encodeResponse, greet, makeResponse } from "../greet.js";
import { decodeFrame, encodeFrame, joinChunks } from "../grpc-frame.js";

guardChild(900);

const server = http2.createServer();
server.on("stream", (stream) => {
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  stream.on("end", () => {
    let frame: Buffer;
    try {
      frame = encodeFrame(
        encodeResponse(makeResponse(greet(decodeRequest(decodeFrame(joinChunks(chunks))).name))),
      );
    } catch (error) {
      // A client under test that sends something else gets an error, not a crashed baseline server.
      const message = encodeURIComponent((error as Error).message);
      stream.respond(
        { ":status": 200, "content-type": "application/grpc", "grpc-status": "3", "grpc-message": message },
        { endStream: true },
      );
      return;
    }
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end(frame);
  });
});
server.listen(0, "127.0.0.1", () =>
  send({ event: "listening", port: (server.address() as AddressInfo).port }),
);
