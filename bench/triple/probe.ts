// One checked call before loading a server: h2load counts HTTP 200 as success, but a gRPC error is
// also HTTP 200, so without this a broken server would post excellent numbers.

import * as http from "node:http";
import * as http2 from "node:http2";
import {
  decodeResponse,
  EXPECTED_GREETING,
  GREET_PATH,
  GRPC_REQUEST_FRAME,
  JSON_REQUEST_BODY,
} from "./greet.js";
import { decodeFrame, joinChunks } from "./grpc-frame.js";

const TIMEOUT_MS = 5000;

/** Throws unless a gRPC Greet call over h2c returns grpc-status 0 and the expected greeting. */
export function probeGrpc(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const fail = (error: Error): void => {
      session.destroy();
      reject(new Error(`gRPC probe: ${error.message}`));
    };
    session.on("error", fail);
    session.setTimeout(TIMEOUT_MS, () => fail(new Error("timed out")));
    const stream = session.request({
      ":method": "POST",
      ":path": GREET_PATH,
      "content-type": "application/grpc",
      te: "trailers",
    });
    const chunks: Buffer[] = [];
    let status: unknown;
    stream.on("response", (headers) => {
      status = headers["grpc-status"]; // a trailers-only response carries it here
    });
    stream.on("trailers", (trailers) => {
      status = trailers["grpc-status"];
    });
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("error", fail);
    stream.on("end", () => {
      try {
        if (status !== "0") throw new Error(`grpc-status ${String(status)}`);
        const { greeting } = decodeResponse(decodeFrame(joinChunks(chunks)));
        if (greeting !== EXPECTED_GREETING) throw new Error(`greeting ${JSON.stringify(greeting)}`);
        session.close();
        resolve();
      } catch (error) {
        fail(error as Error);
      }
    });
    stream.end(GRPC_REQUEST_FRAME);
  });
}

/** Throws unless a JSON POST over HTTP/1.1 returns 200 and {"greeting": "Hello, world"}. */
export function probeJson(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, method: "POST", path: GREET_PATH, agent: false, timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = joinChunks(chunks).toString("utf8");
          try {
            if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode} ${text.slice(0, 200)}`);
            const body: unknown = JSON.parse(text);
            const greeting =
              typeof body === "object" && body !== null && "greeting" in body ? body.greeting : undefined;
            if (greeting !== EXPECTED_GREETING) throw new Error(`unexpected body ${text.slice(0, 200)}`);
            resolve();
          } catch (error) {
            reject(new Error(`JSON probe: ${(error as Error).message}`));
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error) => reject(new Error(`JSON probe: ${error.message}`)));
    req.setHeader("content-type", "application/json");
    req.end(JSON_REQUEST_BODY);
  });
}
