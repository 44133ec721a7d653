// Our client against our server, and each of them against raw sockets: multiplexing, timeouts,
// statuses, exceptions, one-way calls, generic calls, heartbeats, payload limits, malformed input,
// connection loss, reconnect and graceful shutdown.

import { strict as assert } from "node:assert";
import { createServer, type Server, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { Hessian2Decoder, Hessian2Encoder, java } from "@dubbo-mesh/hessian2";
import {
  createDubbo2Client,
  createDubbo2Server,
  Dubbo2Error,
  type Dubbo2ServerInvocation,
  decodeErrorBody,
  decodeResponseBody,
  encodeHeader,
  encodeRequestBody,
  FrameDecoder,
  type FrameHeader,
  heartbeatRequest,
  Status,
} from "../src/index.js";
import { DEMO, demoDispatcher, rawConnect, startPair } from "./support.js";

const STRING = ["java.lang.String"];
const OBJECT = ["java.lang.Object"];
const LONG = ["long"];

async function failure(p: Promise<unknown>): Promise<Dubbo2Error> {
  const e = await p.then(
    (v) => assert.fail(`expected a failure, got ${JSON.stringify(v)}`),
    (error: unknown) => error,
  );
  assert.ok(e instanceof Dubbo2Error, String(e));
  return e;
}

/** Frames the raw peer received, decoded. */
function parseFrames(bytes: Buffer): Array<{ header: FrameHeader; body: Buffer }> {
  const out: Array<{ header: FrameHeader; body: Buffer }> = [];
  new FrameDecoder({
    frame: (header, body) => out.push({ header, body: Buffer.from(body) }),
    oversize: () => {},
  }).push(bytes);
  return out;
}

function requestFrame(id: number | bigint, body: Buffer, flag = 0xc2): Buffer {
  return Buffer.concat([encodeHeader(flag, 0, id, body.length), body]);
}

function sayHelloBody(name: string): Buffer {
  return encodeRequestBody(new Hessian2Encoder(), {
    dubboVersion: "2.0.2",
    path: DEMO,
    version: null,
    method: "sayHello",
    parameterTypesDesc: "Ljava/lang/String;",
    args: [name],
    attachments: {},
  });
}

/** A TCP server we control byte by byte (the peer of client tests). */
async function rawServer(
  onSocket: (socket: Socket, received: () => Buffer) => void,
): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    let data = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
    });
    socket.on("error", () => {});
    onSocket(socket, () => data);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { port: typeof address === "object" && address ? address.port : 0, server, sockets };
}

function closeRaw(raw: { server: Server; sockets: Socket[] }): Promise<void> {
  for (const s of raw.sockets) s.destroy();
  return new Promise((resolve) => raw.server.close(() => resolve()));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("calls", () => {
  const pairPromise = startPair();
  after(async () => (await pairPromise).close());

  it("returns values, null and response attachments (with dubbo=2.0.2)", async () => {
    const { client } = await pairPromise;
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["ts"] }),
      "Hello, ts",
    );
    const value = {
      list: [1, "two", 3.5],
      when: new Date(0),
      money: java.bigDecimal("1.10"),
      big: 2n ** 60n,
    };
    const r = await client.invoke({ path: DEMO, method: "echo", parameterTypes: OBJECT, args: [value] });
    assert.deepEqual(r.value, { ...value, money: java.bigDecimal("1.10") });
    assert.deepEqual(r.attachments, { echoed: "yes", dubbo: "2.0.2" });
    assert.equal(await client.call({ path: DEMO, method: "nothing", args: [] }), null);
  });

  it("multiplexes 500 calls over one connection, answered out of order", async () => {
    const { client } = await pairPromise;
    const delays = Array.from({ length: 500 }, (_, i) => (i * 37) % 50);
    const results = await Promise.all(
      delays.map((ms) =>
        client.call({ path: DEMO, method: "sleep", parameterTypes: LONG, args: [java.long(ms)] }),
      ),
    );
    assert.deepEqual(
      results,
      delays.map((ms) => `slept ${ms}`),
    );
    assert.equal(client.connectionCount, 1);
  });

  it("sends version, group and attachments; the server normalises version 0.0.0 to none", async () => {
    const { client } = await pairPromise;
    const who = (await client.call(
      {
        path: DEMO,
        method: "whoami",
        args: [],
        version: "1.2.3",
        group: "g1",
        attachments: { traceid: "t-1" },
      },
      { timeoutMs: 4321 },
    )) as { version: string; group: string; attachments: Record<string, unknown> };
    assert.equal(who.version, "1.2.3");
    assert.equal(who.group, "g1");
    assert.deepEqual(who.attachments, {
      path: DEMO,
      interface: DEMO,
      version: "1.2.3",
      group: "g1",
      timeout: "4321",
      traceid: "t-1",
    });
    const none = (await client.call({ path: DEMO, method: "whoami", args: [], version: "0.0.0" })) as {
      version: string;
    };
    assert.equal(none.version, "");
  });

  it("a thrown Java exception arrives decoded, with class, fields and cause", async () => {
    const { client } = await pairPromise;
    const e = await failure(client.call({ path: DEMO, method: "fail", args: [] }));
    assert.equal(e.status, Status.OK);
    assert.equal(e.isBusinessException, true);
    assert.equal(e.exception?.className, "org.dubbomesh.interop.DemoException");
    assert.equal(e.exception?.message, "demo failure");
    assert.equal(e.exception?.value.code, 42);
    assert.equal(
      (e.exception?.cause as { className?: string } | undefined)?.className,
      "java.lang.IllegalStateException",
    );
    assert.match(e.message, /threw org\.dubbomesh\.interop\.DemoException: demo failure/);
  });

  it("maps dispatcher failures to statuses: SERVICE_NOT_FOUND, SERVICE_ERROR", async () => {
    const { client } = await pairPromise;
    const notFound = await failure(client.call({ path: "no.Such", method: "x", args: [] }));
    assert.equal(notFound.status, Status.SERVICE_NOT_FOUND);
    assert.match(notFound.message, /SERVICE_NOT_FOUND: .*no service no\.Such/);
    const bug = await failure(client.call({ path: DEMO, method: "throwJs", args: [] }));
    assert.equal(bug.status, Status.SERVICE_ERROR);
    assert.match(bug.message, /TypeError: a bug in the service/);
  });

  it("answers $echo itself and unwraps $invoke for the dispatcher, generalizing the result", async () => {
    const { client } = await pairPromise;
    assert.deepEqual(await client.$echo(DEMO, { ping: 1 }), { ping: 1 });
    const who = (await client.$invoke({
      path: DEMO,
      method: "whoami",
      parameterTypes: ["com.foo.User", "int"],
      args: [{ class: "com.foo.User", name: "x" }, 1],
    })) as { generic: string; types: string[]; attachments: Record<string, unknown> };
    assert.equal(who.generic, "true");
    assert.deepEqual(who.types, ["com.foo.User", "int"]);
    assert.equal(who.attachments.generic, "true");
  });

  it("times out with CLIENT_TIMEOUT, ignores the late answer, and the connection stays usable", async () => {
    const { client } = await pairPromise;
    const e = await failure(
      client.call(
        { path: DEMO, method: "sleep", parameterTypes: LONG, args: [java.long(300)] },
        { timeoutMs: 50 },
      ),
    );
    assert.equal(e.status, Status.CLIENT_TIMEOUT);
    assert.match(e.message, /timed out after 50 ms/);
    await sleep(350);
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["after"] }),
      "Hello, after",
    );
  });

  it("cancels with an AbortSignal", async () => {
    const { client } = await pairPromise;
    const controller = new AbortController();
    const call = client.call(
      { path: DEMO, method: "sleep", parameterTypes: LONG, args: [java.long(200)] },
      { signal: controller.signal },
    );
    controller.abort();
    const e = await failure(call);
    assert.equal(e.status, Status.CLIENT_ERROR);
    assert.match(e.message, /cancelled/);
  });

  it("refuses to send a request over the payload limit", async () => {
    const { port } = await pairPromise;
    const small = createDubbo2Client({ host: "127.0.0.1", port, maxPayload: 100 });
    const e = await failure(
      small.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["x".repeat(200)] }),
    );
    assert.equal(e.status, Status.BAD_REQUEST);
    assert.match(e.message, /Data length too large: \d+, max payload: 100/);
    await small.close();
  });

  it("fails a response over the client's limit with CLIENT_ERROR and keeps the connection", async () => {
    const { port } = await pairPromise;
    const small = createDubbo2Client({ host: "127.0.0.1", port, maxPayload: 1000 });
    const e = await failure(small.call({ path: DEMO, method: "big", parameterTypes: ["int"], args: [5000] }));
    assert.equal(e.status, Status.CLIENT_ERROR);
    assert.match(e.message, /Data length too large: 50\d\d, max payload: 1000/);
    assert.equal(
      await small.call({ path: DEMO, method: "big", parameterTypes: ["int"], args: [10] }),
      "x".repeat(10),
    );
    assert.equal(small.connectionCount, 1);
    await small.close();
  });

  it("spreads calls over several connections when asked", async () => {
    const server = createDubbo2Server({ dispatch: demoDispatcher });
    const { port } = await server.listen({ host: "127.0.0.1" });
    const multi = createDubbo2Client({ host: "127.0.0.1", port, connections: 3 });
    await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        multi.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: [`${i}`] }),
      ),
    );
    assert.equal(multi.connectionCount, 3);
    assert.equal(server.connectionCount, 3);
    await multi.close();
    await server.close({ graceMs: 100 });
  });
});

describe("one-way calls", () => {
  it("reach the dispatcher with oneWay set and get no answer", async () => {
    const seen: Dubbo2ServerInvocation[] = [];
    const server = createDubbo2Server({
      dispatch: (inv) => {
        seen.push(inv);
        return { value: "ignored" };
      },
    });
    const { port } = await server.listen({ host: "127.0.0.1" });
    const peer = await rawConnect(port);
    peer.socket.write(requestFrame(5, sayHelloBody("quiet"), 0x82));
    peer.socket.write(Buffer.concat(heartbeatRequest(6)));
    const got = parseFrames(await peer.waitFor(17));
    // Only the heartbeat answer came back.
    assert.deepEqual(
      got.map((f) => f.header.id),
      [6],
    );
    assert.equal(seen.length, 1);
    assert.equal(seen[0].oneWay, true);
    assert.deepEqual(seen[0].args, ["quiet"]);

    const client = createDubbo2Client({ host: "127.0.0.1", port });
    await client.send({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["fire"] });
    await sleep(50);
    assert.deepEqual(seen[1].args, ["fire"]);
    await client.close();
    peer.socket.destroy();
    await server.close({ graceMs: 100 });
  });
});

describe("server robustness", () => {
  const errors: string[] = [];
  const serverPromise = (async () => {
    const server = createDubbo2Server({
      dispatch: demoDispatcher,
      maxPayload: 4096,
      onError: (e) => errors.push(e.message),
    });
    const { port } = await server.listen({ host: "127.0.0.1" });
    return { server, port };
  })();
  after(async () => (await serverPromise).server.close({ graceMs: 100 }));

  it("answers BAD_REQUEST for an undecodable body and keeps serving the connection", async () => {
    const { port } = await serverPromise;
    const peer = await rawConnect(port);
    peer.socket.write(requestFrame(11, Buffer.from([0x05, 0x32, 0x2e, 0x30, 0x2e, 0x32, 0x91, 0xff])));
    peer.socket.write(requestFrame(12, sayHelloBody("still here")));
    const frames = parseFrames(await peer.waitFor(60));
    const bad = frames.find((f) => f.header.id === 11);
    assert.equal(bad?.header.status, Status.BAD_REQUEST);
    assert.match(
      decodeErrorBody(new Hessian2Decoder(), bad?.body ?? Buffer.alloc(0)),
      /^Fail to decode request due to: .*service path is not a string/,
    );
    const good = frames.find((f) => f.header.id === 12);
    assert.equal(good?.header.status, Status.OK);
    const value = decodeResponseBody(new Hessian2Decoder(), good?.body ?? Buffer.alloc(0));
    assert.deepEqual(value.kind === "value" ? value.value : null, "Hello, still here");
    peer.socket.destroy();
  });

  it("answers BAD_REQUEST for an oversize request without reading it into memory, and carries on", async () => {
    const { port } = await serverPromise;
    const peer = await rawConnect(port);
    const huge = Buffer.alloc(100_000, 0x4e);
    peer.socket.write(requestFrame(21, huge));
    peer.socket.write(requestFrame(22, sayHelloBody("next")));
    const frames = parseFrames(await peer.waitFor(70));
    assert.equal(frames[0].header.id, 21);
    assert.equal(frames[0].header.status, Status.BAD_REQUEST);
    assert.match(
      decodeErrorBody(new Hessian2Decoder(), frames[0].body),
      /Data length too large: 100000, max payload: 4096/,
    );
    assert.equal(frames[1]?.header.id, 22);
    assert.equal(frames[1]?.header.status, Status.OK);
    peer.socket.destroy();
  });

  it("answers BAD_RESPONSE when the response would exceed the limit", async () => {
    const { port } = await serverPromise;
    const client = createDubbo2Client({ host: "127.0.0.1", port });
    const e = await failure(
      client.call({ path: DEMO, method: "big", parameterTypes: ["int"], args: [10_000] }),
    );
    assert.equal(e.status, Status.BAD_RESPONSE);
    assert.match(e.message, /Data length too large: 100\d\d, max payload: 4096/);
    await client.close();
  });

  it("answers BAD_REQUEST for another serialization id, echoing a 64-bit request id exactly", async () => {
    const { port } = await serverPromise;
    const peer = await rawConnect(port);
    peer.socket.write(requestFrame(2n ** 63n - 2n, sayHelloBody("x"), 0xc0 | 6)); // fastjson
    const [frame] = parseFrames(await peer.waitFor(17));
    assert.equal(frame.header.id, 2n ** 63n - 2n);
    assert.equal(frame.header.status, Status.BAD_REQUEST);
    assert.match(decodeErrorBody(new Hessian2Decoder(), frame.body), /unsupported serialization id 6/);
    peer.socket.destroy();
  });

  it("closes only the connection whose stream is unreadable; others keep working", async () => {
    const { port, server } = await serverPromise;
    const client = createDubbo2Client({ host: "127.0.0.1", port });
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["a"] }),
      "Hello, a",
    );
    const peer = await rawConnect(port);
    peer.socket.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    await peer.closed;
    const negative = await rawConnect(port);
    const header = encodeHeader(0xc2, 0, 1, 0);
    header.writeInt32BE(-1, 12);
    negative.socket.write(header);
    await negative.closed;
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["b"] }),
      "Hello, b",
    );
    assert.ok(errors.some((m) => /expected magic 0xdabb/.test(m)));
    assert.ok(server.connectionCount >= 1);
    await client.close();
  });

  it("survives a burst of random frames from many connections", async () => {
    const { port } = await serverPromise;
    const client = createDubbo2Client({ host: "127.0.0.1", port });
    const peers = await Promise.all(Array.from({ length: 5 }, () => rawConnect(port)));
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (const peer of peers) {
      for (let i = 0; i < 50; i++) {
        const body = Buffer.from(Array.from({ length: random() % 200 }, () => random() & 0xff));
        if (i % 3 === 0) body.set(sayHelloBody("z").subarray(0, Math.min(body.length, 20)));
        peer.socket.write(requestFrame(i, body, random() & 0xff));
      }
    }
    await sleep(200);
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["ok"] }),
      "Hello, ok",
    );
    for (const peer of peers) peer.socket.destroy();
    await client.close();
  });
});

describe("heartbeats", () => {
  it("the server answers a heartbeat with an event response carrying the same id", async () => {
    const server = createDubbo2Server({ dispatch: demoDispatcher });
    const { port } = await server.listen({ host: "127.0.0.1" });
    const peer = await rawConnect(port);
    peer.socket.write(Buffer.concat(heartbeatRequest(77)));
    const [frame] = parseFrames(await peer.waitFor(17));
    assert.equal(frame.header.id, 77);
    assert.equal(frame.header.flag, 0x22);
    assert.equal(frame.header.status, Status.OK);
    assert.deepEqual([...frame.body], [0x4e]);
    peer.socket.destroy();
    await server.close({ graceMs: 100 });
  });

  it("the server closes a connection that sent nothing for 3 heartbeats", async () => {
    const server = createDubbo2Server({ dispatch: demoDispatcher, heartbeatMs: 40 });
    const { port } = await server.listen({ host: "127.0.0.1" });
    const peer = await rawConnect(port);
    const started = Date.now();
    await peer.closed;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 100 && elapsed < 2000, `closed after ${elapsed} ms`);
    await server.close({ graceMs: 100 });
  });

  it("the client sends heartbeats when idle and keeps the connection while they are answered", async () => {
    const server = createDubbo2Server({ dispatch: demoDispatcher, heartbeatMs: 60 });
    const { port } = await server.listen({ host: "127.0.0.1" });
    const client = createDubbo2Client({ host: "127.0.0.1", port, heartbeatMs: 30 });
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["1"] }),
      "Hello, 1",
    );
    await sleep(400); // > 3 x 60 ms server idle limit: only the heartbeats keep it open
    assert.equal(server.connectionCount, 1);
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["2"] }),
      "Hello, 2",
    );
    await client.close();
    await server.close({ graceMs: 100 });
  });

  it("the client gives up after three unanswered heartbeats, failing the calls in flight", async () => {
    const raw = await rawServer(() => {}); // reads everything, answers nothing
    const client = createDubbo2Client({
      host: "127.0.0.1",
      port: raw.port,
      heartbeatMs: 30,
      timeoutMs: 5000,
    });
    const started = Date.now();
    const e = await failure(
      client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["?"] }),
    );
    assert.equal(e.status, Status.CHANNEL_INACTIVE);
    assert.match(e.message, /heartbeats unanswered/);
    assert.ok(Date.now() - started < 2000);
    await client.close();
    await closeRaw(raw);
  });

  it("heartbeat requests are Dubbo's: flag 0xE2 and a Hessian null body", async () => {
    let received: () => Buffer = () => Buffer.alloc(0);
    const raw = await rawServer((_, data) => {
      received = data;
    });
    const client = createDubbo2Client({ host: "127.0.0.1", port: raw.port, heartbeatMs: 30, timeoutMs: 80 });
    await failure(client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["?"] }));
    await sleep(80);
    const frames = parseFrames(received());
    assert.equal(frames[0].header.flag, 0xc2);
    const beats = frames.filter((f) => f.header.flag === 0xe2);
    assert.ok(beats.length >= 1, "a heartbeat was sent");
    assert.deepEqual([...beats[0].body], [0x4e]);
    await client.close();
    await closeRaw(raw);
  });
});

describe("connection loss and reconnect", () => {
  it("fails calls in flight with CHANNEL_INACTIVE when the connection drops", async () => {
    const raw = await rawServer((socket) => setTimeout(() => socket.destroy(), 50));
    const client = createDubbo2Client({ host: "127.0.0.1", port: raw.port, timeoutMs: 5000 });
    const calls = [1, 2, 3].map((i) =>
      client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: [`${i}`] }),
    );
    for (const call of calls) {
      const e = await failure(call);
      assert.equal(e.status, Status.CHANNEL_INACTIVE);
      assert.match(e.message, /sayHello failed: the connection to 127\.0\.0\.1:\d+ closed/);
    }
    await client.close();
    await closeRaw(raw);
  });

  it("reports a refused connection as CHANNEL_INACTIVE and reconnects once the provider is back", async () => {
    const first = createDubbo2Server({ dispatch: demoDispatcher });
    const { port } = await first.listen({ host: "127.0.0.1" });
    const client = createDubbo2Client({ host: "127.0.0.1", port });
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["1"] }),
      "Hello, 1",
    );
    await first.close({ graceMs: 100 });
    const down = await failure(
      client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["2"] }),
    );
    assert.equal(down.status, Status.CHANNEL_INACTIVE);
    assert.match(down.message, /cannot connect to 127\.0\.0\.1:\d+/);
    const second = createDubbo2Server({ dispatch: demoDispatcher });
    await second.listen({ host: "127.0.0.1", port });
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["3"] }),
      "Hello, 3",
    );
    await client.close();
    await second.close({ graceMs: 100 });
  });
});

describe("graceful shutdown", () => {
  it("sends READONLY_EVENT, finishes calls in flight, then closes; the client stops using that connection", async () => {
    const server = createDubbo2Server({ dispatch: demoDispatcher });
    const { port } = await server.listen({ host: "127.0.0.1" });
    const peer = await rawConnect(port);
    const client = createDubbo2Client({ host: "127.0.0.1", port, timeoutMs: 5000 });
    assert.equal(
      await client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["a"] }),
      "Hello, a",
    );
    const slow = client.call({ path: DEMO, method: "sleep", parameterTypes: LONG, args: [java.long(200)] });
    await sleep(20);
    const closing = server.close({ graceMs: 5000 });
    // The raw peer sees the readonly event: a one-way event request whose body is "R".
    const [event] = parseFrames(await peer.waitFor(18));
    assert.equal(event.header.flag, 0xa2);
    assert.deepEqual([...event.body], [0x01, 0x52]);
    assert.equal(await slow, "slept 200");
    await closing;
    await peer.closed;
    assert.equal(server.connectionCount, 0);
    // The readonly connection is gone; a new call dials again and finds nobody.
    const e = await failure(
      client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["b"] }),
    );
    assert.equal(e.status, Status.CHANNEL_INACTIVE);
    await client.close();
  });

  it("client close waits for calls in flight", async () => {
    const { client, server, close } = await startPair();
    const slow = client.call({ path: DEMO, method: "sleep", parameterTypes: LONG, args: [java.long(100)] });
    await sleep(10);
    await client.close();
    assert.equal(await slow, "slept 100");
    await failure(client.call({ path: DEMO, method: "sayHello", parameterTypes: STRING, args: ["late"] }));
    assert.equal(server.callsInFlight, 0);
    await close();
  });
});
