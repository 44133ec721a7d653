// grpcurl (grpc-go's reflection client and dynamic stubs) against our server: list, describe and calls
// driven only by our grpc.reflection service, plus a health check. grpcurl is installed on demand by
// interop/go/install-grpcurl.sh; if it cannot be had the suite fails, it is never skipped.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, createTripleServer, type Interceptor, RpcError, type TripleServer } from "@dubbo-mesh/triple";
import { GreetService } from "../gen/greet/v1/greet_pb.js";
import { HandlerLog, names, testGreeter } from "./support/greeter.js";
import { grpcurl, grpcurlPath } from "./support/grpcurl.js";

const allServices = [
  "greet.v1.GreetService",
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
];

/** Records the service of every call, so a test can tell which reflection version grpcurl used. */
function recorder(into: string[]): Interceptor {
  return (next) => (req) => {
    into.push(req.method.service);
    return next(req);
  };
}

describe("grpcurl -> our server (through reflection)", { timeout: 600_000 }, () => {
  const log = new HandlerLog();
  const called: string[] = [];
  let bin: string;
  let server: TripleServer;
  let target: string;

  before(async () => {
    bin = await grpcurlPath(); // throws with the reason when grpcurl cannot be installed
    server = createTripleServer({ interceptors: [recorder(called)] });
    server.register(GreetService, testGreeter(log));
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    target = `127.0.0.1:${port}`;
  });
  after(() => server?.close({ graceMs: 100 }));

  it("list: every service, read through grpc.reflection.v1", async () => {
    called.length = 0;
    const r = await grpcurl(bin, ["-plaintext", target, "list"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split("\n"), allServices);
    assert.deepEqual([...new Set(called)], ["grpc.reflection.v1.ServerReflection"]);
  });

  it("describe greet.v1.GreetService: the four methods from our file descriptor", async () => {
    const r = await grpcurl(bin, ["-plaintext", target, "describe", "greet.v1.GreetService"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        "greet.v1.GreetService is a service:",
        "service GreetService {",
        "  rpc Greet ( .greet.v1.GreetRequest ) returns ( .greet.v1.GreetResponse );",
        "  rpc GreetBidiStream ( stream .greet.v1.GreetRequest ) returns ( stream .greet.v1.GreetResponse );",
        "  rpc GreetClientStream ( stream .greet.v1.GreetRequest ) returns ( .greet.v1.GreetResponse );",
        "  rpc GreetServerStream ( .greet.v1.GreetRequest ) returns ( stream .greet.v1.GreetResponse );",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("describe a message type: found by symbol", async () => {
    const r = await grpcurl(bin, ["-plaintext", target, "describe", "greet.v1.GreetRequest"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      "greet.v1.GreetRequest is a message:\nmessage GreetRequest {\n  string name = 1;\n}\n",
    );
  });

  it("unary call with -d JSON, request and response types from reflection", async () => {
    const r = await grpcurl(bin, ["-plaintext", "-d", '{"name":"x"}', target, "greet.v1.GreetService/Greet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { greeting: "Hello, x" });
  });

  it("server-streaming call: grpcurl prints the three messages", async () => {
    const r = await grpcurl(bin, [
      "-plaintext",
      "-d",
      '{"name":"s"}',
      target,
      "greet.v1.GreetService/GreetServerStream",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const messages = r.stdout
      .split(/\n(?=\{)/)
      .map((m) => JSON.parse(m) as { greeting: string })
      .map((m) => m.greeting);
    assert.deepEqual(messages, ["Hello, s #1", "Hello, s #2", "Hello, s #3"]);
  });

  it("an error: grpcurl shows our code and message and exits with 64 + code", async () => {
    const r = await grpcurl(bin, [
      "-plaintext",
      "-d",
      `{"name":"${names.error}"}`,
      target,
      "greet.v1.GreetService/Greet",
    ]);
    assert.equal(r.code, 64 + Code.InvalidArgument);
    assert.equal(r.stderr, "ERROR:\n  Code: InvalidArgument\n  Message: the name must not be 'error'\n");
  });

  it("health check: grpc.health.v1.Health/Check says SERVING for the service and the server", async () => {
    const svc = await grpcurl(bin, [
      "-plaintext",
      "-d",
      '{"service":"greet.v1.GreetService"}',
      target,
      "grpc.health.v1.Health/Check",
    ]);
    assert.equal(svc.code, 0, svc.stderr);
    assert.deepEqual(JSON.parse(svc.stdout), { status: "SERVING" });
    const whole = await grpcurl(bin, ["-plaintext", target, "grpc.health.v1.Health/Check"]);
    assert.equal(whole.code, 0, whole.stderr);
    assert.deepEqual(JSON.parse(whole.stdout), { status: "SERVING" });
  });

  it("v1alpha is served too: grpcurl calls grpc.reflection.v1alpha directly", async () => {
    const r = await grpcurl(bin, [
      "-plaintext",
      "-d",
      '{"list_services":""}',
      target,
      "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { listServicesResponse: { service: { name: string }[] } };
    assert.deepEqual(res.listServicesResponse.service.map((s) => s.name).sort(), allServices);
  });
});

describe("grpcurl -> a server that answers v1 reflection with UNIMPLEMENTED (an older peer's view)", {
  timeout: 600_000,
}, () => {
  const called: string[] = [];
  let bin: string;
  let server: TripleServer;
  let target: string;

  before(async () => {
    bin = await grpcurlPath();
    const hideV1: Interceptor = (next) => (req) => {
      if (req.method.service === "grpc.reflection.v1.ServerReflection")
        throw new RpcError(Code.Unimplemented, "v1 reflection hidden by the test");
      return next(req);
    };
    server = createTripleServer({ interceptors: [recorder(called), hideV1] });
    server.register(GreetService, testGreeter(new HandlerLog()));
    const { port } = await server.listen({ host: "127.0.0.1", port: 0 });
    target = `127.0.0.1:${port}`;
  });
  after(() => server?.close({ graceMs: 100 }));

  it("grpcurl falls back to v1alpha and still lists, describes and calls", async () => {
    const list = await grpcurl(bin, ["-plaintext", target, "list"]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split("\n"), allServices);
    assert.deepEqual(
      [...new Set(called)],
      ["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"],
    );

    const call = await grpcurl(bin, [
      "-plaintext",
      "-d",
      '{"name":"alpha"}',
      target,
      "greet.v1.GreetService/Greet",
    ]);
    assert.equal(call.code, 0, call.stderr);
    assert.deepEqual(JSON.parse(call.stdout), { greeting: "Hello, alpha" });
  });
});
