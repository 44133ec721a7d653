// Interop with @grpc/grpc-js, both directions: a grpc-js client against our server, and our client
// against a grpc-js server. Each side covers the four RPC kinds, metadata both ways (with a -bin value),
// deadlines, cancellation, error codes with google.rpc.Status details, and gzip on the wire.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Client,
  Code,
  createClient,
  createTransport,
  createTripleServer,
  type Metadata,
  RpcError,
  type Transport,
  type TripleServer,
} from "@dubbo-mesh/triple";
import * as grpc from "@grpc/grpc-js";
import { GreetService } from "../gen/greet/v1/greet_pb.js";
import {
  detailBytes,
  detailDomain,
  detailMessage,
  detailReason,
  HandlerLog,
  headerBin,
  names,
  testGreeter,
  trailerBin,
} from "./support/greeter.js";
import {
  type GreetClient,
  type GreetResponse,
  GrpcJsLog,
  loadGreet,
  startGrpcJsServer,
  stopGrpcJsServer,
} from "./support/grpc-js-peer.js";
import { grpcMessages, startRecorder } from "./support/h2-recorder.js";
import { decodeStatus, errorInfo } from "./support/status-proto.js";

const { Client: GrpcGreetClient } = loadGreet();
const gzip = { "grpc.default_compression_algorithm": 2 }; // grpc-js: 0 identity, 1 deflate, 2 gzip

// ---- grpc-js call helpers: each returns what the caller saw (response, headers, status with trailers)

interface Seen<T> {
  value: T;
  header: grpc.Metadata;
  status: grpc.StatusObject;
}

function grpcUnary(
  client: GreetClient,
  name: string,
  md = new grpc.Metadata(),
  options: grpc.CallOptions = {},
): Promise<Seen<GreetResponse>> {
  return new Promise((resolve, reject) => {
    let header = new grpc.Metadata();
    let value: GreetResponse | undefined;
    const call = client.greet({ name }, md, options, (err, res) => {
      if (err) reject(err);
      else value = res;
    });
    call.on("metadata", (m: grpc.Metadata) => {
      header = m;
    });
    call.on("status", (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK && value !== undefined) resolve({ value, header, status });
    });
  });
}

/** Reads a grpc-js response stream to its status; rejects with the ServiceError on a non-OK status. */
function grpcCollect(call: grpc.ClientReadableStream<GreetResponse>): Promise<Seen<string[]>> {
  return new Promise((resolve, reject) => {
    const value: string[] = [];
    let header = new grpc.Metadata();
    call.on("metadata", (m: grpc.Metadata) => {
      header = m;
    });
    call.on("data", (r: GreetResponse) => value.push(r.greeting));
    call.on("error", (e: grpc.ServiceError) => reject(Object.assign(e, { received: value })));
    call.on("status", (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK) resolve({ value, header, status });
    });
  });
}

function grpcClientStream(
  client: GreetClient,
  namesToSend: string[],
  md = new grpc.Metadata(),
): Promise<Seen<GreetResponse>> {
  return new Promise((resolve, reject) => {
    let header = new grpc.Metadata();
    let value: GreetResponse | undefined;
    const call = client.greetClientStream(md, {}, (err, res) => {
      if (err) reject(err);
      else value = res;
    });
    call.on("metadata", (m: grpc.Metadata) => {
      header = m;
    });
    call.on("status", (status: grpc.StatusObject) => {
      if (status.code === grpc.status.OK && value !== undefined) resolve({ value, header, status });
    });
    for (const n of namesToSend) call.write({ name: n });
    call.end();
  });
}

function rejection(p: Promise<unknown>): Promise<grpc.ServiceError> {
  return p.then(
    () => assert.fail("the call succeeded"),
    (e: grpc.ServiceError) => e,
  );
}

/** The `grpc-status-details-bin` a grpc-js caller received, decoded by hand. */
function statusDetailsOf(md: grpc.Metadata) {
  const raw = md.get("grpc-status-details-bin")[0];
  assert.ok(raw instanceof Buffer, "grpc-status-details-bin is missing");
  return decodeStatus(raw);
}

async function* fromList<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rpcError(p: Promise<unknown>): Promise<RpcError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RpcError, `expected an RpcError, got ${String(e)}`);
    return e;
  }
  return assert.fail("the call succeeded");
}

// ------------------------------------------------------------------------------------------------

describe("grpc-js client -> our server", () => {
  const log = new HandlerLog();
  let server: TripleServer;
  let client: GreetClient;
  let port: number;

  before(async () => {
    server = createTripleServer();
    server.register(GreetService, testGreeter(log));
    ({ port } = await server.listen({ host: "127.0.0.1", port: 0 }));
    client = new GrpcGreetClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });
  after(async () => {
    client.close();
    await server.close({ graceMs: 100 });
  });

  it("unary: grpc-js gets the greeting and status OK", async () => {
    const { value, status } = await grpcUnary(client, "grpc-js");
    assert.deepEqual(value, { greeting: "Hello, grpc-js" });
    assert.equal(status.code, grpc.status.OK);
  });

  it("server streaming: grpc-js receives all three messages in order", async () => {
    const { value } = await grpcCollect(client.greetServerStream({ name: "s" }));
    assert.deepEqual(value, ["Hello, s #1", "Hello, s #2", "Hello, s #3"]);
  });

  it("client streaming: our handler sees every message grpc-js wrote", async () => {
    const { value } = await grpcClientStream(client, ["a", "b", "c"]);
    assert.deepEqual(value, { greeting: "Hello, a, b, c" });
  });

  it("bidi streaming: ping-pong, each grpc-js write is answered before the next is sent", async () => {
    const call = client.greetBidiStream();
    const done = grpcCollect(call);
    const answers: string[] = [];
    for (const n of ["x", "y", "z"]) {
      const answered = new Promise<void>((r) =>
        call.once("data", (m: GreetResponse) => {
          answers.push(m.greeting);
          r();
        }),
      );
      call.write({ name: n });
      await answered;
    }
    call.end();
    assert.deepEqual(answers, ["Hello, x", "Hello, y", "Hello, z"]);
    assert.deepEqual((await done).value, ["Hello, x", "Hello, y", "Hello, z"]);
  });

  it("a 1 MiB message each way crosses HTTP/2 flow control intact", async () => {
    const name = "m".repeat(1024 * 1024);
    const { value } = await grpcUnary(client, name);
    assert.equal(value.greeting, `Hello, ${name}`);
  });

  it("metadata: the handler sees grpc-js's text and -bin request metadata; grpc-js sees our headers and trailers", async () => {
    const md = new grpc.Metadata();
    md.set("x-request-id", "req-7");
    md.set("x-trace-bin", Buffer.from([0, 1, 2, 254, 255]));
    const before = log.requestHeaders.length;
    const { header, status } = await grpcUnary(client, "md", md);

    const seen = log.requestHeaders[before];
    assert.equal(seen.get("x-request-id"), "req-7");
    assert.deepEqual(Buffer.from(seen.getBinary("x-trace-bin") ?? []), Buffer.from([0, 1, 2, 254, 255]));

    assert.deepEqual(header.get("x-echo-request-id"), ["req-7"]);
    assert.deepEqual(header.get("x-echo-trace-bin"), [Buffer.from([0, 1, 2, 254, 255])]);
    assert.deepEqual(header.get("x-header-bin"), [Buffer.from(headerBin)]);
    assert.deepEqual(status.metadata.get("x-trailer"), ["done"]);
    assert.deepEqual(status.metadata.get("x-trailer-bin"), [Buffer.from(trailerBin)]);
  });

  it("metadata on streams: grpc-js sees headers and trailers of a server stream", async () => {
    const { header, status } = await grpcCollect(client.greetServerStream({ name: "s" }));
    assert.deepEqual(header.get("x-header-bin"), [Buffer.from(headerBin)]);
    assert.deepEqual(status.metadata.get("x-trailer"), ["done"]);
    assert.deepEqual(status.metadata.get("x-trailer-bin"), [Buffer.from(trailerBin)]);
  });

  it("error: grpc-js gets the code and the exact message", async () => {
    const err = await rejection(grpcUnary(client, names.error));
    assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(err.details, "the name must not be 'error'");
  });

  it("error details: grpc-js receives grpc-status-details-bin as google.rpc.Status with our ErrorInfo", async () => {
    const err = await rejection(grpcUnary(client, names.details));
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(err.details, detailMessage); // percent-encoded on the wire, non-ASCII and '%' intact
    assert.deepEqual(err.metadata.get("x-error-id"), ["e-1"]);
    const status = statusDetailsOf(err.metadata);
    assert.deepEqual(status, {
      code: Code.FailedPrecondition,
      message: detailMessage,
      details: [
        { typeUrl: "type.googleapis.com/google.rpc.ErrorInfo", value: errorInfo(detailReason, detailDomain) },
      ],
    });
  });

  it("error mid-stream: grpc-js gets the two messages, then the status from the trailers", async () => {
    const err = (await rejection(
      grpcCollect(client.greetServerStream({ name: names.midStreamError })),
    )) as grpc.ServiceError & { received: string[] };
    assert.equal(err.code, grpc.status.FAILED_PRECONDITION);
    assert.equal(err.details, "stopped after two");
    assert.deepEqual(err.received, [
      `Hello, ${names.midStreamError} #1`,
      `Hello, ${names.midStreamError} #2`,
    ]);
  });

  it("unknown method: a grpc-js call to a path we do not serve gets UNIMPLEMENTED", async () => {
    const err = await new Promise<grpc.ServiceError>((resolve) =>
      client.makeUnaryRequest(
        "/greet.v1.GreetService/NoSuchMethod",
        (x: Buffer) => x,
        (x: Buffer) => x,
        Buffer.alloc(0),
        (e) => resolve(e ?? assert.fail("the call succeeded")),
      ),
    );
    assert.equal(err.code, grpc.status.UNIMPLEMENTED);
    assert.equal(err.details, "unknown service or method: greet.v1.GreetService/NoSuchMethod");
  });

  it("deadline: grpc-js gets DEADLINE_EXCEEDED and our handler's signal aborts", async () => {
    log.reset(names.sleep);
    const err = await rejection(
      grpcUnary(client, names.sleep, new grpc.Metadata(), { deadline: Date.now() + 200 }),
    );
    assert.equal(err.code, grpc.status.DEADLINE_EXCEEDED);
    const reason = await log.aborted(names.sleep);
    assert.ok(reason instanceof RpcError);
    // grpc-js enforces its deadline too and resets the stream at the same moment our timer (armed from
    // its grpc-timeout) fires: whichever is first decides, both end the handler.
    assert.ok(
      reason.code === Code.DeadlineExceeded || reason.code === Code.Canceled,
      `unexpected abort reason ${reason.message}`,
    );
    const left = log.sleepTimeouts.at(-1);
    assert.ok(left !== undefined && left > 0 && left <= 200, `grpc-timeout not applied: ${left}`);
  });

  it("cancellation: grpc-js cancels a server stream mid-way and our handler sees CANCELED", async () => {
    log.reset(names.endless);
    const call = client.greetServerStream({ name: names.endless });
    const received: string[] = [];
    const status = new Promise<grpc.StatusObject>((r) => call.on("status", r));
    call.on("error", () => {});
    await new Promise<void>((resolve) =>
      call.on("data", (m: GreetResponse) => {
        received.push(m.greeting);
        if (received.length === 2) {
          call.cancel();
          resolve();
        }
      }),
    );
    assert.equal((await status).code, grpc.status.CANCELLED);
    assert.deepEqual(received.slice(0, 2), [`Hello, ${names.endless} #1`, `Hello, ${names.endless} #2`]);
    const reason = await log.aborted(names.endless);
    assert.ok(reason instanceof RpcError);
    assert.equal(reason.code, Code.Canceled);
  });

  it("gzip: grpc-js sends a compressed message (seen on the wire), our server decodes it and answers compressed", async () => {
    const rec = await startRecorder(port);
    const gz = new GrpcGreetClient(`127.0.0.1:${rec.port}`, grpc.credentials.createInsecure(), gzip);
    try {
      const name = "z".repeat(4000);
      const { value } = await grpcUnary(gz, name);
      assert.equal(value.greeting, `Hello, ${name}`);
      const sent = grpcMessages(rec.toServer.flat());
      assert.equal(sent.length, 1);
      assert.equal(sent[0].compressed, true);
      assert.ok(sent[0].length < 4000, `request not smaller than the plain message: ${sent[0].length}`);
      const got = grpcMessages(rec.toClient.flat());
      assert.equal(got.length, 1);
      assert.equal(got[0].compressed, true, "our response to a gzip caller is compressed");
    } finally {
      gz.close();
      await rec.close();
    }
  });
});

// ------------------------------------------------------------------------------------------------

describe("our client -> grpc-js server", () => {
  const log = new GrpcJsLog();
  let peer: grpc.Server;
  let port: number;
  let transport: Transport;
  let client: Client<typeof GreetService>;

  before(async () => {
    ({ server: peer, port } = await startGrpcJsServer(log));
    transport = createTransport({ baseUrl: `http://127.0.0.1:${port}` });
    client = createClient(GreetService, transport);
  });
  after(async () => {
    await transport.close();
    await stopGrpcJsServer(peer);
  });

  it("unary: our client gets grpc-js's greeting", async () => {
    assert.deepEqual(await client.greet({ name: "ours" }), {
      $typeName: "greet.v1.GreetResponse",
      greeting: "Hello, ours",
    });
  });

  it("server streaming: our client receives all three messages in order", async () => {
    const got = await collect(client.greetServerStream({ name: "s" }));
    assert.deepEqual(
      got.map((m) => m.greeting),
      ["Hello, s #1", "Hello, s #2", "Hello, s #3"],
    );
  });

  it("client streaming: grpc-js sees every message our client sent", async () => {
    const res = await client.greetClientStream(fromList([{ name: "a" }, { name: "b" }, { name: "c" }]));
    assert.equal(res.greeting, "Hello, a, b, c");
  });

  it("bidi streaming: ping-pong, each message we send is answered before the next is sent", async () => {
    let answered: (() => void) | undefined;
    async function* pingPong() {
      for (const name of ["x", "y", "z"]) {
        const next = new Promise<void>((r) => {
          answered = r;
        });
        yield { name };
        await next;
      }
    }
    const got: string[] = [];
    for await (const m of client.greetBidiStream(pingPong())) {
      got.push(m.greeting);
      answered?.();
    }
    assert.deepEqual(got, ["Hello, x", "Hello, y", "Hello, z"]);
  });

  it("a 1 MiB message each way crosses HTTP/2 flow control intact", async () => {
    const name = "m".repeat(1024 * 1024);
    assert.equal((await client.greet({ name })).greeting, `Hello, ${name}`);
  });

  it("metadata: grpc-js sees our text and -bin request metadata; we see its headers and trailers", async () => {
    let header: Metadata | undefined;
    let trailer: Metadata | undefined;
    const before = log.requestMetadata.length;
    await client.greet(
      { name: "md" },
      {
        headers: { "x-request-id": "req-9", "x-trace-bin": new Uint8Array([0, 1, 2, 254, 255]) },
        onHeader: (h) => {
          header = h;
        },
        onTrailer: (t) => {
          trailer = t;
        },
      },
    );
    const seen = log.requestMetadata[before];
    assert.deepEqual(seen.get("x-request-id"), ["req-9"]);
    assert.deepEqual(seen.get("x-trace-bin"), [Buffer.from([0, 1, 2, 254, 255])]);

    assert.ok(header !== undefined && trailer !== undefined);
    assert.equal(header.get("x-echo-request-id"), "req-9");
    assert.deepEqual(
      Buffer.from(header.getBinary("x-echo-trace-bin") ?? []),
      Buffer.from([0, 1, 2, 254, 255]),
    );
    assert.deepEqual(Buffer.from(header.getBinary("x-header-bin") ?? []), Buffer.from(headerBin));
    assert.equal(trailer.get("x-trailer"), "done");
    assert.deepEqual(Buffer.from(trailer.getBinary("x-trailer-bin") ?? []), Buffer.from(trailerBin));
  });

  it("metadata on streams: we see grpc-js's headers and trailers of a server stream", async () => {
    let header: Metadata | undefined;
    let trailer: Metadata | undefined;
    await collect(
      client.greetServerStream(
        { name: "s" },
        {
          onHeader: (h) => {
            header = h;
          },
          onTrailer: (t) => {
            trailer = t;
          },
        },
      ),
    );
    assert.deepEqual(Buffer.from(header?.getBinary("x-header-bin") ?? []), Buffer.from(headerBin));
    assert.equal(trailer?.get("x-trailer"), "done");
    assert.deepEqual(Buffer.from(trailer?.getBinary("x-trailer-bin") ?? []), Buffer.from(trailerBin));
  });

  it("error: our client gets grpc-js's code and exact message", async () => {
    const err = await rpcError(client.greet({ name: names.error }));
    assert.equal(err.code, Code.InvalidArgument);
    assert.equal(err.rawMessage, "the name must not be 'error'");
  });

  it("error details: our client decodes the google.rpc.Status grpc-js built by hand", async () => {
    const err = await rpcError(client.greet({ name: names.details }));
    assert.equal(err.code, Code.FailedPrecondition);
    assert.equal(err.rawMessage, detailMessage);
    assert.equal(err.metadata.get("x-error-id"), "e-1");
    assert.equal(err.details.length, 1);
    assert.equal(err.details[0].type, "google.rpc.ErrorInfo");
    assert.deepEqual(Buffer.from(err.details[0].value), Buffer.from(detailBytes));
  });

  it("error mid-stream: our client gets two messages, then grpc-js's status", async () => {
    const got: string[] = [];
    const err = await rpcError(
      (async () => {
        for await (const m of client.greetServerStream({ name: names.midStreamError })) got.push(m.greeting);
      })(),
    );
    assert.equal(err.code, Code.FailedPrecondition);
    assert.equal(err.rawMessage, "stopped after two");
    assert.deepEqual(got, [`Hello, ${names.midStreamError} #1`, `Hello, ${names.midStreamError} #2`]);
  });

  it("deadline: our client reports DEADLINE_EXCEEDED; grpc-js saw the grpc-timeout and the cancel", async () => {
    const startedAt = Date.now();
    const err = await rpcError(client.greet({ name: names.sleep }, { timeoutMs: 200 }));
    assert.equal(err.code, Code.DeadlineExceeded);
    await log.cancelled(names.sleep);
    // grpc-js turns grpc-timeout into an absolute deadline (ms since the epoch); without one it is Infinity.
    const deadline = Number(log.sleepDeadlines.at(-1));
    assert.ok(
      deadline > startedAt && deadline < startedAt + 10_000,
      `grpc-js saw no deadline from our grpc-timeout: ${deadline}`,
    );
  });

  it("cancellation: aborting our server-stream call mid-way cancels it on grpc-js", async () => {
    const ac = new AbortController();
    const got: string[] = [];
    const err = await rpcError(
      (async () => {
        for await (const m of client.greetServerStream({ name: names.endless }, { signal: ac.signal })) {
          got.push(m.greeting);
          if (got.length === 2) ac.abort();
        }
      })(),
    );
    assert.equal(err.code, Code.Canceled);
    // A message already buffered when we aborted may still be handed out before the error.
    assert.deepEqual(got.slice(0, 2), [`Hello, ${names.endless} #1`, `Hello, ${names.endless} #2`]);
    await log.cancelled(names.endless);
  });

  it("gzip: our client sends a compressed message (seen on the wire) that grpc-js decodes", async () => {
    const rec = await startRecorder(port);
    const gzTransport = createTransport({ baseUrl: `http://127.0.0.1:${rec.port}`, sendCompression: "gzip" });
    try {
      const name = "z".repeat(4000);
      const res = await createClient(GreetService, gzTransport).greet({ name });
      assert.equal(res.greeting, `Hello, ${name}`);
      const sent = grpcMessages(rec.toServer.flat());
      assert.equal(sent.length, 1);
      assert.equal(sent[0].compressed, true);
      assert.ok(sent[0].length < 4000, `request not smaller than the plain message: ${sent[0].length}`);
      // grpc-js servers never compress responses ("response compression is currently not supported",
      // server-interceptors.js), so our client's gzip reading is proven against our own server only.
      const got = grpcMessages(rec.toClient.flat());
      assert.deepEqual(
        got.map((m) => m.compressed),
        [false],
      );
    } finally {
      await gzTransport.close();
      await rec.close();
    }
  });
});
