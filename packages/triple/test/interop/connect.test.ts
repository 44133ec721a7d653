// Interop with @connectrpc/connect-node clients against our server: its gRPC transport (all four
// kinds, errors with details, metadata) and its Connect-protocol transport, whose unary calls are
// Triple's HTTP RPC with other header names (connect-protocol-version, connect-timeout-ms).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type Client,
  Code as ConnectCode,
  ConnectError,
  createClient,
  decodeBinaryHeader,
  encodeBinaryHeader,
  type Transport,
} from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import { Code, createTripleServer, RpcError, type TripleServer } from "@dubbo-mesh/triple";
import { GreetService } from "../gen/greet/v1/greet_pb.js";
import {
  detailBytes,
  detailMessage,
  HandlerLog,
  headerBin,
  names,
  testGreeter,
  trailerBin,
} from "./support/greeter.js";
import { startRecorder } from "./support/h2-recorder.js";

async function* fromList<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

async function connectError(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ConnectError, `expected a ConnectError, got ${String(e)}`);
    return e;
  }
  return assert.fail("the call succeeded");
}

/** The details of an error connect parsed from the wire, as {type, bytes}. */
function incomingDetails(err: ConnectError): { type: string; value: Buffer }[] {
  return err.details.map((d) =>
    "desc" in d ? assert.fail("not a wire detail") : { type: d.type, value: Buffer.from(d.value) },
  );
}

interface SeenMetadata {
  header?: Headers;
  trailer?: Headers;
}

/** Call options that send text and -bin request metadata and record the response metadata. */
function withMetadata(seen: SeenMetadata) {
  return {
    headers: { "x-request-id": "req-c", "x-trace-bin": encodeBinaryHeader(new Uint8Array([9, 0, 255])) },
    onHeader: (h: Headers) => {
      seen.header = h;
    },
    onTrailer: (t: Headers) => {
      seen.trailer = t;
    },
  };
}

function binary(h: Headers | undefined, key: string): Buffer {
  const v = h?.get(key);
  assert.ok(v !== null && v !== undefined, `${key} is missing`);
  return Buffer.from(decodeBinaryHeader(v));
}

describe("connect-node clients -> our server", () => {
  const log = new HandlerLog();
  let server: TripleServer;
  let baseUrl: string;
  let port: number;

  before(async () => {
    server = createTripleServer();
    server.register(GreetService, testGreeter(log));
    ({ port } = await server.listen({ host: "127.0.0.1", port: 0 }));
    baseUrl = `http://127.0.0.1:${port}`;
  });
  after(() => server.close({ graceMs: 100 }));

  describe("gRPC transport (createGrpcTransport, always HTTP/2 in connect-node v2)", () => {
    let client: Client<typeof GreetService>;
    before(() => {
      client = createClient(GreetService, createGrpcTransport({ baseUrl }));
    });

    it("unary: connect gets the greeting", async () => {
      assert.equal((await client.greet({ name: "connect" })).greeting, "Hello, connect");
    });

    it("server streaming: connect receives all three messages in order", async () => {
      const got: string[] = [];
      for await (const m of client.greetServerStream({ name: "s" })) got.push(m.greeting);
      assert.deepEqual(got, ["Hello, s #1", "Hello, s #2", "Hello, s #3"]);
    });

    it("client streaming: our handler sees every message connect sent", async () => {
      const res = await client.greetClientStream(fromList([{ name: "a" }, { name: "b" }]));
      assert.equal(res.greeting, "Hello, a, b");
    });

    it("bidi streaming: ping-pong, each message is answered before the next is sent", async () => {
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

    it("error: connect gets INVALID_ARGUMENT and the exact message", async () => {
      const err = await connectError(client.greet({ name: names.error }));
      assert.equal(err.code, ConnectCode.InvalidArgument);
      assert.equal(err.rawMessage, "the name must not be 'error'");
    });

    it("error details: connect decodes our grpc-status-details-bin", async () => {
      const err = await connectError(client.greet({ name: names.details }));
      assert.equal(err.code, ConnectCode.FailedPrecondition);
      assert.equal(err.rawMessage, detailMessage);
      assert.deepEqual(incomingDetails(err), [
        { type: "google.rpc.ErrorInfo", value: Buffer.from(detailBytes) },
      ]);
      assert.equal(err.metadata.get("x-error-id"), "e-1");
    });

    it("metadata: the handler sees connect's text and -bin headers; connect sees our headers and trailers", async () => {
      const seen: SeenMetadata = {};
      const before = log.requestHeaders.length;
      await client.greet({ name: "md" }, withMetadata(seen));
      const req = log.requestHeaders[before];
      assert.equal(req.get("x-request-id"), "req-c");
      assert.deepEqual(Buffer.from(req.getBinary("x-trace-bin") ?? []), Buffer.from([9, 0, 255]));
      assert.equal(seen.header?.get("x-echo-request-id"), "req-c");
      assert.deepEqual(binary(seen.header, "x-echo-trace-bin"), Buffer.from([9, 0, 255]));
      assert.deepEqual(binary(seen.header, "x-header-bin"), Buffer.from(headerBin));
      assert.equal(seen.trailer?.get("x-trailer"), "done");
      assert.deepEqual(binary(seen.trailer, "x-trailer-bin"), Buffer.from(trailerBin));
    });
  });

  describe("Connect protocol (createConnectTransport): unary is served as Triple HTTP RPC", () => {
    const transports: [string, () => Transport][] = [
      // connect-node defaults to the binary format; JSON has to be asked for.
      [
        "JSON over HTTP/1.1",
        () => createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: false }),
      ],
      ["protobuf over HTTP/1.1", () => createConnectTransport({ baseUrl, httpVersion: "1.1" })],
      [
        "JSON over HTTP/2",
        () => createConnectTransport({ baseUrl, httpVersion: "2", useBinaryFormat: false }),
      ],
      ["protobuf over HTTP/2", () => createConnectTransport({ baseUrl, httpVersion: "2" })],
    ];
    for (const [label, make] of transports) {
      describe(label, () => {
        let client: Client<typeof GreetService>;
        before(() => {
          client = createClient(GreetService, make());
        });

        it("unary: connect gets the greeting; the handler saw connect-protocol-version: 1", async () => {
          const before = log.requestHeaders.length;
          assert.equal((await client.greet({ name: "cx" })).greeting, "Hello, cx");
          assert.equal(log.requestHeaders[before].get("connect-protocol-version"), "1");
        });

        it("error: connect reads code and message from our JSON error body", async () => {
          const err = await connectError(client.greet({ name: names.error }));
          assert.equal(err.code, ConnectCode.InvalidArgument);
          assert.equal(err.rawMessage, "the name must not be 'error'");
        });

        it("error details: connect reads the details of our JSON error body", async () => {
          const err = await connectError(client.greet({ name: names.details }));
          assert.equal(err.code, ConnectCode.FailedPrecondition);
          assert.equal(err.rawMessage, detailMessage);
          assert.deepEqual(incomingDetails(err), [
            { type: "google.rpc.ErrorInfo", value: Buffer.from(detailBytes) },
          ]);
        });

        it("metadata: connect sees our headers, and our trailer-* headers as trailers", async () => {
          const seen: SeenMetadata = {};
          const before = log.requestHeaders.length;
          await client.greet({ name: "md" }, withMetadata(seen));
          assert.deepEqual(
            Buffer.from(log.requestHeaders[before].getBinary("x-trace-bin") ?? []),
            Buffer.from([9, 0, 255]),
          );
          assert.equal(seen.header?.get("x-echo-request-id"), "req-c");
          assert.deepEqual(binary(seen.header, "x-header-bin"), Buffer.from(headerBin));
          assert.equal(seen.trailer?.get("x-trailer"), "done");
          assert.deepEqual(binary(seen.trailer, "x-trailer-bin"), Buffer.from(trailerBin));
        });
      });
    }

    it("wire: connect's JSON request is a plain POST with application/json and connect-protocol-version", async () => {
      const rec = await startRecorder(port);
      try {
        const client = createClient(
          GreetService,
          createConnectTransport({
            baseUrl: `http://127.0.0.1:${rec.port}`,
            httpVersion: "1.1",
            useBinaryFormat: false,
          }),
        );
        await client.greet({ name: "wire" });
        const head = Buffer.concat(rec.toServer.flat()).toString("latin1").split("\r\n\r\n")[0].split("\r\n");
        assert.equal(head[0], "POST /greet.v1.GreetService/Greet HTTP/1.1");
        const lower = head.slice(1).map((l) => l.toLowerCase());
        assert.ok(lower.includes("content-type: application/json"), head.join("\n"));
        assert.ok(lower.includes("connect-protocol-version: 1"), head.join("\n"));
        const status = Buffer.concat(rec.toClient.flat()).toString("latin1").split("\r\n")[0];
        assert.equal(status, "HTTP/1.1 200 OK");
        const response = Buffer.concat(rec.toClient.flat()).toString("latin1").toLowerCase();
        assert.ok(response.includes("\r\ncontent-type: application/json\r\n"), response);
      } finally {
        await rec.close();
      }
    });

    it("deadline: connect-timeout-ms reaches the handler; connect reports DEADLINE_EXCEEDED", async () => {
      log.reset(names.sleep);
      const client = createClient(GreetService, createConnectTransport({ baseUrl, httpVersion: "1.1" }));
      const before = log.sleepTimeouts.length;
      const err = await connectError(client.greet({ name: names.sleep }, { timeoutMs: 200 }));
      assert.equal(err.code, ConnectCode.DeadlineExceeded);
      const left = log.sleepTimeouts[before];
      assert.ok(left !== undefined && left > 0 && left <= 200, `connect-timeout-ms not applied: ${left}`);
      const reason = await log.aborted(names.sleep);
      assert.ok(reason instanceof RpcError);
      // connect aborts its request at its deadline while our timer fires: either ends the handler.
      assert.ok(reason.code === Code.DeadlineExceeded || reason.code === Code.Canceled, reason.message);
    });

    it("streaming over the Connect protocol is not served: HTTP 415 (Triple streams are gRPC only)", async () => {
      const client = createClient(GreetService, createConnectTransport({ baseUrl, httpVersion: "2" }));
      const err = await connectError(
        (async () => {
          for await (const _ of client.greetServerStream({ name: "s" })) assert.fail("got a message");
        })(),
      );
      assert.equal(err.code, ConnectCode.Unknown);
      assert.equal(err.rawMessage, "HTTP 415");
    });
  });
});
