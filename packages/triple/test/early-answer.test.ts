// A call the server answers before the client ended its request side (an error, a refusal, a deadline,
// a handler that returns without reading every message): the server sends the complete response and
// then RST_STREAM NO_ERROR (RFC 9113 section 8.1), as gRPC servers do, so the client stops sending
// and the stream is freed instead of lingering half-open. Clients read it as a normal end.
import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, encodeEnvelope, RpcError } from "@dubbo-mesh/triple";
import * as grpc from "@grpc/grpc-js";
import { GreetRequestSchema, GreetService } from "./gen/greet/v1/greet_pb.js";
import { type GreetResponse, loadGreet } from "./interop/support/grpc-js-peer.js";
import { collect, greetClient, startServer } from "./support/servers.js";

const { Client: GrpcGreetClient } = loadGreet();

/** One framed greet.v1.GreetRequest. */
function greetFrame(name: string): Buffer {
  return encodeEnvelope(Buffer.from(toBinary(GreetRequestSchema, create(GreetRequestSchema, { name }))));
}

interface Held {
  status: string | undefined;
  /** The status came in the trailers (false: Trailers-Only, or an HTTP response without trailers). */
  inTrailers: boolean;
  httpStatus: number | undefined;
  body: Buffer;
  /** Our request side was still open when the response's status arrived. */
  openAtStatus: boolean;
  /** The stream closed while our request side was open: only the server's RST_STREAM does that. */
  aborted: boolean;
  rstCode: number | undefined;
}

/**
 * Opens a call, writes `chunks` and never ends the request side; resolves when the stream closes,
 * which only the server can make happen.
 */
function holdOpen(port: number, headers: http2.OutgoingHttpHeaders, chunks: Buffer[]): Promise<Held> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const req = session.request({ ":method": "POST", te: "trailers", ...headers });
    const seen: Held = {
      status: undefined,
      inTrailers: false,
      httpStatus: undefined,
      body: Buffer.alloc(0),
      openAtStatus: false,
      aborted: false,
      rstCode: undefined,
    };
    const body: Buffer[] = [];
    req.on("response", (h) => {
      seen.httpStatus = Number(h[":status"]);
      const s = h["grpc-status"];
      if (typeof s === "string") {
        seen.status = s;
        seen.openAtStatus = !req.writableEnded;
      }
    });
    req.on("trailers", (t) => {
      seen.status = String(t["grpc-status"]);
      seen.inTrailers = true;
      seen.openAtStatus = !req.writableEnded;
    });
    req.on("data", (c: Buffer) => body.push(c));
    req.on("error", () => {});
    req.on("close", () => {
      seen.body = Buffer.concat(body);
      seen.aborted = req.aborted;
      seen.rstCode = req.rstCode;
      session.close();
      resolve(seen);
    });
    for (const c of chunks) req.write(c);
  });
}

/** A greeter whose streaming handlers answer early on request. */
function earlyGreeter() {
  return {
    greet: (r: { name: string }) => ({ greeting: `hello ${r.name}` }),
    async *greetServerStream(r: { name: string }) {
      yield { greeting: r.name };
    },
    async greetClientStream(reqs: AsyncIterable<{ name: string }>) {
      for await (const r of reqs) {
        if (r.name === "fail") throw new RpcError(Code.InvalidArgument, "refused: fail");
        if (r.name === "wait") continue;
        // Returns without reading the rest of the request stream.
        return { greeting: `first ${r.name}` };
      }
      return { greeting: "none" };
    },
    async *greetBidiStream(reqs: AsyncIterable<{ name: string }>) {
      for await (const r of reqs) {
        if (r.name === "deny") throw new RpcError(Code.PermissionDenied, "denied: deny");
        yield { greeting: r.name.toUpperCase() };
        if (r.name === "stop") return;
        if (r.name === "boom") throw new RpcError(Code.FailedPrecondition, "boom after a message");
      }
    },
  };
}

const grpcCt = { "content-type": "application/grpc" };
const path = (m: string) => `/greet.v1.GreetService/${m}`;
const opts = { timeout: 20_000 };

describe("a call answered before the client ended its side is reset with NO_ERROR after the status", () => {
  let port = 0;
  let baseUrl = "";
  let close: () => Promise<void> = async () => {};
  const errors: string[] = [];
  before(async () => {
    const s = await startServer((server) => server.register(GreetService, earlyGreeter()), {
      readMaxBytes: 1024,
      onError: (e, where) => errors.push(`${where}: ${String(e)}`),
      admission: {
        admit: ({ headers }) =>
          headers["x-deny"] !== undefined
            ? new RpcError(Code.PermissionDenied, "refused by policy")
            : undefined,
      },
    });
    port = s.port;
    baseUrl = s.baseUrl;
    close = () => s.server.close({ graceMs: 100 });
  });
  after(async () => {
    await close();
    assert.deepEqual(errors, []);
  });

  function assertResetAfterStatus(seen: Held, status: Code): void {
    assert.equal(seen.status, String(status));
    assert.equal(seen.openAtStatus, true, "the request side was still open when the status arrived");
    assert.equal(seen.aborted, true, "the stream closed while the request side was open");
    assert.equal(seen.rstCode, http2.constants.NGHTTP2_NO_ERROR);
  }

  it(
    "client streaming: the handler returns after one message -> response, OK trailers, RST NO_ERROR",
    opts,
    async () => {
      const seen = await holdOpen(port, { ":path": path("GreetClientStream"), ...grpcCt }, [greetFrame("a")]);
      assertResetAfterStatus(seen, Code.Ok);
      assert.equal(seen.inTrailers, true);
      assert.ok(seen.body.includes(Buffer.from("first a")));
    },
  );

  it(
    "client streaming: the handler throws mid-stream -> Trailers-Only error, RST NO_ERROR",
    opts,
    async () => {
      const seen = await holdOpen(port, { ":path": path("GreetClientStream"), ...grpcCt }, [
        greetFrame("wait"),
        greetFrame("fail"),
      ]);
      assertResetAfterStatus(seen, Code.InvalidArgument);
    },
  );

  it("bidi: the handler refuses the first message -> Trailers-Only error, RST NO_ERROR", opts, async () => {
    const seen = await holdOpen(port, { ":path": path("GreetBidiStream"), ...grpcCt }, [greetFrame("deny")]);
    assertResetAfterStatus(seen, Code.PermissionDenied);
    assert.equal(seen.inTrailers, false);
  });

  it(
    "bidi: the handler fails after a response message -> error in the trailers, RST NO_ERROR",
    opts,
    async () => {
      const seen = await holdOpen(port, { ":path": path("GreetBidiStream"), ...grpcCt }, [
        greetFrame("boom"),
      ]);
      assertResetAfterStatus(seen, Code.FailedPrecondition);
      assert.equal(seen.inTrailers, true);
      assert.ok(seen.body.includes(Buffer.from("BOOM")));
    },
  );

  it(
    "bidi: the handler returns while the client still sends -> OK trailers, RST NO_ERROR",
    opts,
    async () => {
      const seen = await holdOpen(port, { ":path": path("GreetBidiStream"), ...grpcCt }, [
        greetFrame("stop"),
      ]);
      assertResetAfterStatus(seen, Code.Ok);
      assert.equal(seen.inTrailers, true);
    },
  );

  it(
    "the deadline expires while the client still sends -> DEADLINE_EXCEEDED, RST NO_ERROR",
    opts,
    async () => {
      const seen = await holdOpen(
        port,
        { ":path": path("GreetClientStream"), ...grpcCt, "grpc-timeout": "50m" },
        [greetFrame("wait")],
      );
      assertResetAfterStatus(seen, Code.DeadlineExceeded);
    },
  );

  it(
    "unary: a second message before the end of the request -> UNIMPLEMENTED, RST NO_ERROR",
    opts,
    async () => {
      const seen = await holdOpen(port, { ":path": path("Greet"), ...grpcCt }, [
        greetFrame("a"),
        greetFrame("b"),
      ]);
      assertResetAfterStatus(seen, Code.Unimplemented);
    },
  );

  it("an unknown method -> UNIMPLEMENTED, RST NO_ERROR", opts, async () => {
    const seen = await holdOpen(port, { ":path": path("Nope"), ...grpcCt }, [greetFrame("a")]);
    assertResetAfterStatus(seen, Code.Unimplemented);
  });

  it("an unsupported grpc-encoding -> UNIMPLEMENTED, RST NO_ERROR", opts, async () => {
    const seen = await holdOpen(
      port,
      { ":path": path("GreetClientStream"), ...grpcCt, "grpc-encoding": "br" },
      [greetFrame("a")],
    );
    assertResetAfterStatus(seen, Code.Unimplemented);
  });

  it("a call refused by admission -> its status, RST NO_ERROR", opts, async () => {
    const seen = await holdOpen(port, { ":path": path("GreetClientStream"), ...grpcCt, "x-deny": "1" }, [
      greetFrame("a"),
    ]);
    assertResetAfterStatus(seen, Code.PermissionDenied);
  });

  it(
    "Triple unary over HTTP/2: a body past the receive limit -> JSON error, RST NO_ERROR",
    opts,
    async () => {
      const seen = await holdOpen(port, { ":path": path("Greet"), "content-type": "application/json" }, [
        Buffer.alloc(2048, 0x20),
      ]);
      assert.equal(seen.httpStatus, 429);
      assert.match(seen.body.toString(), /resource_exhausted/);
      assert.equal(seen.aborted, true);
      assert.equal(seen.rstCode, http2.constants.NGHTTP2_NO_ERROR);
    },
  );

  it("Triple unary over HTTP/2: refused by admission -> JSON error, RST NO_ERROR", opts, async () => {
    const seen = await holdOpen(
      port,
      { ":path": path("Greet"), "content-type": "application/json", "x-deny": "1" },
      [Buffer.from("{")],
    );
    assert.equal(seen.httpStatus, 403);
    assert.match(seen.body.toString(), /refused by policy/);
    assert.equal(seen.aborted, true);
    assert.equal(seen.rstCode, http2.constants.NGHTTP2_NO_ERROR);
  });

  it("our client: a client-streaming call answered early resolves with the response", opts, async () => {
    const { transport, client } = greetClient(baseUrl);
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    async function* requests() {
      yield { name: "a" };
      await held; // the request side stays open until the call is over
      yield { name: "late" };
    }
    const res = await client.greetClientStream(requests());
    assert.equal(res.greeting, "first a");
    release();
    const bidi = await collect(client.greetBidiStream(requests2()));
    assert.deepEqual(
      bidi.map((r) => r.greeting),
      ["STOP"],
    );
    await transport.close();

    async function* requests2() {
      yield { name: "stop" };
      await new Promise<void>(() => {}); // never ends by itself
    }
  });

  describe("grpc-js as the client", () => {
    let client: InstanceType<typeof GrpcGreetClient>;
    before(() => {
      client = new GrpcGreetClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });
    after(() => client.close());

    function clientStream(first: string[]): Promise<{ err: grpc.ServiceError | null; res?: GreetResponse }> {
      return new Promise((resolve) => {
        const call = client.greetClientStream(new grpc.Metadata(), {}, (err, res) => {
          // The request side is still open: a late write must not break anything.
          call.write({ name: "late" });
          call.end();
          resolve({ err, res });
        });
        for (const name of first) call.write({ name });
      });
    }

    it("a client-streaming call answered early gets the response and OK", opts, async () => {
      const { err, res } = await clientStream(["a"]);
      assert.equal(err, null);
      assert.equal(res?.greeting, "first a");
    });

    it(
      "a client-streaming call failed early gets the handler's status, not CANCELLED or INTERNAL",
      opts,
      async () => {
        const { err } = await clientStream(["wait", "fail"]);
        assert.equal(err?.code, grpc.status.INVALID_ARGUMENT);
        assert.equal(err?.details, "refused: fail");
      },
    );

    it("a bidi call refused early gets the handler's status", opts, async () => {
      const status = await new Promise<grpc.StatusObject>((resolve) => {
        const call = client.greetBidiStream();
        call.on("error", () => {});
        call.on("data", () => {});
        call.on("status", resolve);
        call.write({ name: "deny" });
      });
      assert.equal(status.code, grpc.status.PERMISSION_DENIED);
      assert.equal(status.details, "denied: deny");
    });

    it("a bidi call the server ends early gets its messages and OK", opts, async () => {
      const got: string[] = [];
      const status = await new Promise<grpc.StatusObject>((resolve) => {
        const call = client.greetBidiStream();
        call.on("error", () => {});
        call.on("data", (r: GreetResponse) => got.push(r.greeting));
        call.on("status", resolve);
        call.write({ name: "stop" });
      });
      assert.equal(status.code, grpc.status.OK);
      assert.deepEqual(got, ["STOP"]);
    });
  });
});
