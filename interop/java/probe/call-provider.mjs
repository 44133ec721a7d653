// Calls a running Java provider with raw node:http2 requests and prints, one JSON line per case,
// the exact response headers, trailers and messages Dubbo sends. Usage: node call-provider.mjs <port>
import http2 from "node:http2";
import { decodeString1, encodeString1, frame, unframe } from "./grpc-frames.mjs";

const port = Number(process.argv[2]);
const grpcBody = (name) => frame(encodeString1(name));
const greet = "/greet.v1.GreetService/Greet";
const cases = [
  { label: "grpc unary ok", path: greet, body: grpcBody("x") },
  { label: "grpc unary error", path: greet, body: grpcBody("error") },
  { label: "grpc server stream", path: "/greet.v1.GreetService/GreetServerStream", body: grpcBody("x") },
  {
    label: "grpc server stream error",
    path: "/greet.v1.GreetService/GreetServerStream",
    body: grpcBody("error"),
  },
  { label: "grpc unknown method", path: "/greet.v1.GreetService/Nope", body: grpcBody("x") },
  { label: "grpc unknown service", path: "/no.Such/Greet", body: grpcBody("x") },
  {
    label: "grpc unary deadline (grpc-timeout 500m, slow)",
    path: greet,
    body: grpcBody("slow"),
    headers: { "grpc-timeout": "500m" },
  },
  {
    label: "grpc unary group/version g1/1.0.0",
    path: greet,
    body: grpcBody("x"),
    headers: { "tri-service-group": "g1", "tri-service-version": "1.0.0" },
  },
  {
    label: "grpc unary group/version g2/2.0.0",
    path: greet,
    body: grpcBody("x"),
    headers: { "tri-service-group": "g2", "tri-service-version": "2.0.0" },
  },
  { label: "json unary ok", path: greet, json: { name: "x" } },
  { label: "json unary error", path: greet, json: { name: "error" } },
  { label: "json unary unknown method", path: "/greet.v1.GreetService/Nope", json: { name: "x" } },
];

const session = http2.connect(`http://127.0.0.1:${port}`);
for (const c of cases) {
  console.log(JSON.stringify({ label: c.label, ...(await call(c)) }));
}
session.close();

function call(c) {
  return new Promise((resolve) => {
    const grpc = c.json === undefined;
    const request = session.request({
      ":method": "POST",
      ":path": c.path,
      "content-type": grpc ? "application/grpc" : "application/json",
      ...(grpc ? { te: "trailers" } : {}),
      ...c.headers,
    });
    const result = { request: c.headers ?? {}, headers: {}, trailers: null };
    const chunks = [];
    request.on("response", (headers) => {
      result.headers = headers;
    });
    request.on("trailers", (trailers) => {
      result.trailers = trailers;
    });
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("error", (error) => {
      result.error = String(error);
    });
    request.on("close", () => {
      const body = Buffer.concat(chunks);
      if (grpc) result.messages = unframe(body).map(decodeString1);
      else result.body = body.toString("utf8");
      result.rstCode = request.rstCode;
      resolve(result);
    });
    request.end(grpc ? c.body : JSON.stringify(c.json));
  });
}
