// The ceiling for JSON over HTTP/1.1: node:http with JSON.parse / JSON.stringify and nothing else.

import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { guardChild } from "../../lib/child-guard.js";
import { send } from "../../lib/child-protocol.js";
import { greet } from "../greet.js";
import { joinChunks } from "../grpc-frame.js";

guardChild(900);

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const { name } = JSON.parse(joinChunks(chunks).toString("utf8")) as { name: string };
    const body = JSON.stringify({ greeting: greet(name) });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () =>
  send({ event: "listening", port: (server.address() as AddressInfo).port }),
);
