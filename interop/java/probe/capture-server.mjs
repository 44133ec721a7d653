// A plain node:http2 (h2c) server that prints, as one JSON line each, the request headers a
// client sends, then answers greet.v1.GreetService like a gRPC server would, so the Java
// consumer completes its calls. Usage: node capture-server.mjs [port]
import http2 from "node:http2";
import { decodeString1, encodeString1, frame, unframe } from "./grpc-frames.mjs";

const server = http2.createServer();
server.on("stream", (stream, headers) => {
  const chunks = [];
  stream.on("data", (chunk) => chunks.push(chunk));
  stream.on("end", () => {
    const body = Buffer.concat(chunks);
    const grpc = String(headers["content-type"] ?? "").startsWith("application/grpc");
    const names = grpc ? unframe(body).map(decodeString1) : [];
    console.log(JSON.stringify({ event: "request", headers, names, bodyBytes: body.length }));
    const method = String(headers[":path"]).split("/").pop();
    const greetings =
      method === "GreetServerStream"
        ? [1, 2, 3].map((i) => `Hello, ${names[0]} #${i}`)
        : method === "GreetClientStream"
          ? [`Hello, ${names.join(", ")}`]
          : names.map((name) => `Hello, ${name} from capture`);
    stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
    stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
    stream.end(Buffer.concat(greetings.map((g) => frame(encodeString1(g)))));
  });
});
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  console.log(JSON.stringify({ event: "listening", port: server.address().port }));
});
