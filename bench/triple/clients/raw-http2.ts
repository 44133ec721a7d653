// The ceiling for a client: node:http2, one session, one stream per call, with the same work as a
// framework (encode the request message, decode the response, check grpc-status).

import * as http2 from "node:http2";
import { decodeResponse, encodeRequest, GREET_PATH, makeRequest, NAME } from "../greet.js";
import { decodeFrame, encodeFrame, joinChunks } from "../grpc-frame.js";
import { clientMain } from "./load-loop.js";

await clientMain(async ({ port }) => {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on("error", (error) => process.stderr.write(`raw client session error: ${error.message}\n`));
  const headers = {
    ":method": "POST",
    ":path": GREET_PATH,
    "content-type": "application/grpc",
    te: "trailers",
  };
  return () =>
    new Promise<string>((resolve, reject) => {
      const stream = session.request(headers);
      const chunks: Buffer[] = [];
      let grpcStatus: unknown;
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("trailers", (trailers) => {
        grpcStatus = trailers["grpc-status"];
      });
      stream.on("error", reject);
      stream.on("end", () => {
        if (grpcStatus !== "0") return reject(new Error(`grpc-status ${String(grpcStatus)}`));
        resolve(decodeResponse(decodeFrame(joinChunks(chunks))).greeting);
      });
      stream.end(encodeFrame(encodeRequest(makeRequest(NAME))));
    });
});
