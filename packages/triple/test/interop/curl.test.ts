// The curl checklist of rpc-anchors §1.10, run with the real curl binary against one port of our
// server: Triple JSON over HTTP/1.1, h2c prior knowledge and h2c Upgrade, array bodies, group/version
// selection, errors, 415/404/405, a hand-made gRPC frame with its trailers, deadlines, gzip, health.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { Code, createTripleServer, RpcError, type TripleServer } from "@dubbo-mesh/triple";
import { GreetService } from "../gen/greet/v1/greet_pb.js";
import { type CurlResult, CurlRunner } from "./support/curl.js";
import { HandlerLog, names, testGreeter } from "./support/greeter.js";
import { decodeGreet, encodeGreet } from "./support/status-proto.js";

const greetPath = "/greet.v1.GreetService/Greet";
const json = ["-H", "content-type: application/json"];
const grpcHeaders = ["--http2-prior-knowledge", "-H", "content-type: application/grpc", "-H", "te: trailers"];

function frame(message: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(message.length, 1);
  return Buffer.concat([prefix, message]);
}

function bodyJson(r: CurlResult): unknown {
  return JSON.parse(r.body.toString("utf8"));
}

describe("curl -> our server", () => {
  const log = new HandlerLog();
  let server: TripleServer;
  let curl: CurlRunner;
  let base: string;

  before(async () => {
    server = createTripleServer();
    // The same service three times: the default registration and two Dubbo group/version variants.
    server.register(GreetService, testGreeter(log));
    server.register(GreetService, testGreeter(log, "g1"), { group: "g1", version: "1.0.0" });
    server.register(GreetService, testGreeter(log, "g2"), { group: "g2", version: "2.0.0" });
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${port}`;
    curl = await CurlRunner.create();
  });
  after(async () => {
    await curl.close();
    await server.close({ graceMs: 100 });
  });

  it("JSON over HTTP/1.1: 200, application/json, the protobuf-JSON response", async () => {
    const r = await curl.run([...json, "-d", '{"name":"curl"}', base + greetPath]);
    assert.equal(r.httpVersion, "1.1");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    assert.deepEqual(bodyJson(r), { greeting: "Hello, curl" });
  });

  it("the same JSON call over h2c with --http2-prior-knowledge, on the same port", async () => {
    const r = await curl.run(["--http2-prior-knowledge", ...json, "-d", '{"name":"curl"}', base + greetPath]);
    assert.equal(r.httpVersion, "2");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/json");
    assert.deepEqual(bodyJson(r), { greeting: "Hello, curl" });
  });

  it("curl --http2 (Upgrade: h2c) is answered as plain HTTP/1.1", async () => {
    const r = await curl.run(["-v", "--http2", ...json, "-d", '{"name":"up"}', base + greetPath]);
    assert.match(r.stderr, /^> Upgrade: h2c\r?$/m, "curl did not offer the upgrade");
    assert.equal(r.httpVersion, "1.1");
    assert.equal(r.status, 200);
    assert.deepEqual(bodyJson(r), { greeting: "Hello, up" });
  });

  it("the spec's array body [{...}] is accepted for a single-argument method", async () => {
    const r = await curl.run([...json, "-d", '[{"name":"x"}]', base + greetPath]);
    assert.equal(r.status, 200);
    assert.deepEqual(bodyJson(r), { greeting: "Hello, x" });
  });

  it("content-type with a charset parameter is accepted", async () => {
    const r = await curl.run([
      "-H",
      "content-type: application/json; charset=utf-8",
      "-d",
      '{"name":"cs"}',
      base + greetPath,
    ]);
    assert.equal(r.status, 200);
    assert.deepEqual(bodyJson(r), { greeting: "Hello, cs" });
  });

  it("application/proto: a binary body in, a binary body out", async () => {
    const body = await curl.file("greet.bin", encodeGreet("bin"));
    const r = await curl.run([
      "-H",
      "content-type: application/proto",
      "--data-binary",
      `@${body}`,
      base + greetPath,
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/proto");
    assert.equal(decodeGreet(r.body), "Hello, bin");
  });

  it("tri-service-group / tri-service-version select between registrations of the same service", async () => {
    const call = (extra: string[]) => curl.run([...json, ...extra, "-d", '{"name":"x"}', base + greetPath]);
    const g1 = await call(["-H", "tri-service-group: g1", "-H", "tri-service-version: 1.0.0"]);
    const g2 = await call(["-H", "tri-service-group: g2", "-H", "tri-service-version: 2.0.0"]);
    const none = await call([]);
    assert.deepEqual(bodyJson(g1), { greeting: "Hello, x from g1" });
    assert.deepEqual(bodyJson(g2), { greeting: "Hello, x from g2" });
    assert.deepEqual(bodyJson(none), { greeting: "Hello, x" });
  });

  it("a group/version nobody registered: 404 with a JSON body naming what exists", async () => {
    const r = await curl.run([
      ...json,
      "-H",
      "tri-service-group: g1",
      "-H",
      "tri-service-version: 9.9.9",
      "-d",
      '{"name":"x"}',
      base + greetPath,
    ]);
    assert.equal(r.status, 404);
    assert.deepEqual(bodyJson(r), {
      code: "unimplemented",
      status: Code.Unimplemented,
      message: `${greetPath} exists, but not for the requested group/version; available: group "" version "", group "g1" version "1.0.0", group "g2" version "2.0.0"`,
    });
  });

  it("an error from the handler: HTTP status from the code and a JSON body with code and message", async () => {
    const r = await curl.run([...json, "-d", `{"name":"${names.error}"}`, base + greetPath]);
    assert.equal(r.status, 400);
    assert.equal(r.headers["content-type"], "application/json");
    assert.deepEqual(bodyJson(r), {
      code: "invalid_argument",
      status: Code.InvalidArgument,
      message: "the name must not be 'error'",
    });
  });

  it("an unsupported content type: 415", async () => {
    const r = await curl.run(["-H", "content-type: text/plain", "-d", "hello", base + greetPath]);
    assert.equal(r.status, 415);
    assert.deepEqual(bodyJson(r), {
      code: "internal",
      status: Code.Internal,
      message:
        'unsupported content-type "text/plain"; use application/json, application/proto or application/grpc',
    });
  });

  it("an unknown method: 404 with code unimplemented", async () => {
    const r = await curl.run([...json, "-d", "{}", `${base}/greet.v1.GreetService/Nope`]);
    assert.equal(r.status, 404);
    assert.deepEqual(bodyJson(r), {
      code: "unimplemented",
      status: Code.Unimplemented,
      message: "unknown service or method: greet.v1.GreetService/Nope",
    });
  });

  it("GET: 405", async () => {
    const r = await curl.run([base + greetPath]);
    assert.equal(r.status, 405);
    assert.equal((bodyJson(r) as { code: string }).code, "unimplemented");
  });

  it("request headers reach the handler; response headers come back, trailers as trailer-* headers", async () => {
    const r = await curl.run([...json, "-H", "x-request-id: c-1", "-d", '{"name":"md"}', base + greetPath]);
    assert.equal(r.status, 200);
    assert.equal(r.headers["x-echo-request-id"], "c-1");
    assert.equal(r.headers["x-header-bin"], "AP8QgH8="); // base64 of support/greeter.ts headerBin
    assert.equal(r.headers["trailer-x-trailer"], "done");
    assert.equal(r.headers["trailer-x-trailer-bin"], "3q2+7wA="); // base64 of trailerBin
  });

  it("gzip: a content-encoding: gzip body is decoded; --compressed gets a gzip response", async () => {
    const name = "g".repeat(3000);
    const body = await curl.file("req.json.gz", gzipSync(JSON.stringify({ name })));
    const r = await curl.run([
      ...json,
      "-H",
      "content-encoding: gzip",
      "--compressed",
      "--data-binary",
      `@${body}`,
      base + greetPath,
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-encoding"], "gzip");
    assert.deepEqual(bodyJson(r), { greeting: `Hello, ${name}` });
  });

  it("tri-service-timeout: the handler is aborted with DEADLINE_EXCEEDED and curl gets 504", async () => {
    log.reset(names.sleep);
    const r = await curl.run([
      ...json,
      "-H",
      "tri-service-timeout: 100",
      "-d",
      `{"name":"${names.sleep}"}`,
      base + greetPath,
    ]);
    assert.equal(r.status, 504);
    assert.deepEqual(bodyJson(r), {
      code: "deadline_exceeded",
      status: Code.DeadlineExceeded,
      message: "deadline of 100 ms exceeded",
    });
    const reason = await log.aborted(names.sleep);
    assert.ok(reason instanceof RpcError);
    assert.equal(reason.code, Code.DeadlineExceeded); // curl enforces no deadline: only ours can fire
  });

  it("gRPC from curl: a hand-made frame gets a framed response and grpc-status 0 in the trailers", async () => {
    const body = await curl.file("frame.bin", frame(encodeGreet("curl")));
    const r = await curl.run([...grpcHeaders, "--data-binary", `@${body}`, base + greetPath]);
    assert.equal(r.httpVersion, "2");
    assert.equal(r.status, 200);
    assert.equal(r.headers["content-type"], "application/grpc");
    assert.equal(r.headers["grpc-status"], undefined, "status must be in the trailers, not the headers");
    assert.deepEqual(r.body, frame(encodeGreet("Hello, curl")));
    assert.deepEqual(r.trailers, { "grpc-status": "0", "x-trailer": "done", "x-trailer-bin": "3q2+7wA=" });
  });

  it("gRPC error from curl: Trailers-Only, grpc-status and grpc-message in the headers", async () => {
    const body = await curl.file("frame-err.bin", frame(encodeGreet(names.error)));
    const r = await curl.run([...grpcHeaders, "--data-binary", `@${body}`, base + greetPath]);
    assert.equal(r.status, 200);
    assert.equal(r.headers["grpc-status"], String(Code.InvalidArgument));
    assert.equal(r.headers["grpc-message"], "the name must not be 'error'");
    assert.equal(r.body.length, 0);
    assert.deepEqual(r.trailers, {});
  });

  it("gRPC deadline from curl: grpc-timeout 100m ends the call with grpc-status 4", async () => {
    log.reset(names.sleep);
    const body = await curl.file("frame-sleep.bin", frame(encodeGreet(names.sleep)));
    const r = await curl.run([
      ...grpcHeaders,
      "-H",
      "grpc-timeout: 100m",
      "--data-binary",
      `@${body}`,
      base + greetPath,
    ]);
    assert.equal(r.status, 200);
    assert.equal(r.headers["grpc-status"], String(Code.DeadlineExceeded));
    assert.equal(r.headers["grpc-message"], "deadline of 100 ms exceeded");
    const reason = await log.aborted(names.sleep);
    assert.ok(reason instanceof RpcError);
    assert.equal(reason.code, Code.DeadlineExceeded);
  });

  it("health Check as JSON: SERVING for the service and for the server", async () => {
    const path = `${base}/grpc.health.v1.Health/Check`;
    const svc = await curl.run([...json, "-d", '{"service":"greet.v1.GreetService"}', path]);
    assert.equal(svc.status, 200);
    assert.deepEqual(bodyJson(svc), { status: "SERVING" });
    const whole = await curl.run([...json, "-d", "{}", path]);
    assert.deepEqual(bodyJson(whole), { status: "SERVING" });
    const unknown = await curl.run([...json, "-d", '{"service":"no.Such"}', path]);
    assert.equal(unknown.status, 404);
    assert.equal((bodyJson(unknown) as { code: string }).code, "not_found");
  });
});
