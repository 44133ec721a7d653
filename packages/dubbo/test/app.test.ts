import assert from "node:assert/strict";
import http2 from "node:http2";
import { afterEach, describe, test } from "node:test";
import {
  Code,
  createApp,
  Directory,
  type DubboApp,
  defineInterface,
  type HandlerContext,
  type Interceptor,
  Metadata,
  parseEndpointUrl,
  RpcError,
  serverStream,
  silentLogger,
  staticDiscovery,
  TransportPool,
  unary,
} from "@dubbo-mesh/dubbo";
import { GreetService } from "./support/greet.js";
import { InMemoryRegistry } from "./support/in-memory-registry.js";
import { ManualDiscovery } from "./support/manual-discovery.js";
import { GREET, servedBy, startProvider, startProviders, stopAll } from "./support/providers.js";
import { RecordingLogger } from "./support/recording-logger.js";

const apps: DubboApp[] = [];
afterEach(() => stopAll(apps.splice(0)));

function track<T extends DubboApp>(app: T): T {
  apps.push(app);
  return app;
}

async function* iter<T>(items: T[]): AsyncIterable<T> {
  for (const i of items) yield i;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("calls", () => {
  test("attachments travel to the provider and back (headers and trailers)", async () => {
    const [p1] = await startProviders([{ id: "p1" }]);
    track(p1.app);
    const consumer = track(
      createApp({ name: "shop", logger: silentLogger, discovery: staticDiscovery({ [GREET]: [p1.url()] }) }),
    );
    const client = consumer.client(GreetService);
    let back: Metadata | undefined;
    const res = await client.greet(
      { name: "x" },
      { attachments: { "x-echo": "hi" }, onResponseAttachments: (md) => (back = md) },
    );
    assert.equal(res.greeting, "p1: hello x");
    assert.equal(back?.get("x-served-by"), "p1");
    assert.equal(back?.get("x-echoed"), "p1:hi");
    // $with binds options for every call of the derived client.
    let again: Metadata | undefined;
    await client
      .$with({ attachments: { "x-echo": "bound" }, onResponseAttachments: (md) => (again = md) })
      .greet({ name: "y" });
    assert.equal(again?.get("x-echoed"), "p1:bound");
  });

  test("every RPC kind goes through the SDK path", async () => {
    const [p1] = await startProviders([{ id: "p1" }]);
    track(p1.app);
    const consumer = track(createApp({ name: "shop", logger: silentLogger }));
    const client = consumer.client(GreetService, { target: `tri://127.0.0.1:${p1.port}` });
    assert.deepEqual(
      (await collect(client.greetServerStream({ name: "s" }))).map((r) => r.greeting),
      ["p1: s #1", "p1: s #2", "p1: s #3"],
    );
    assert.equal((await client.greetClientStream(iter([{ name: "a" }, { name: "b" }]))).greeting, "p1: a,b");
    assert.deepEqual(
      (await collect(client.greetBidiStream(iter([{ name: "a" }, { name: "b" }])))).map((r) => r.greeting),
      ["p1: a", "p1: b"],
    );
  });

  test("client and server interceptors run around each call, in order", async () => {
    const seen: string[] = [];
    const mark =
      (name: string): Interceptor =>
      (next) =>
      async (req) => {
        seen.push(`${name}>`);
        const res = await next(req);
        seen.push(`<${name}`);
        return res;
      };
    const provider = track(
      createApp({
        name: "greeter",
        logger: silentLogger,
        interceptors: { server: [mark("s1"), mark("s2")] },
      }),
    );
    provider.serve(GreetService, { greet: (r) => ({ greeting: `hi ${r.name}` }) });
    const { port } = await provider.start({ host: "127.0.0.1" });
    const consumer = track(
      createApp({ name: "shop", logger: silentLogger, interceptors: { client: [mark("c1")] } }),
    );
    const client = consumer.client(GreetService, { target: `127.0.0.1:${port}`, interceptors: [mark("c2")] });
    await client.greet({ name: "x" });
    assert.deepEqual(seen, ["c1>", "c2>", "s1>", "s2>", "<s2", "<s1", "<c2", "<c1"]);
  });
});

describe("transport factory", () => {
  test("an in-memory transport takes the wire's place, one per endpoint, through the whole path", async () => {
    const made: string[] = [];
    const consumer = track(
      createApp({
        name: "shop",
        logger: silentLogger,
        discovery: staticDiscovery({ [GREET]: ["tri://10.0.0.1:1", "tri://10.0.0.2:1"] }),
        transportFactory: (endpoint) => {
          made.push(endpoint.host);
          return {
            unary: async (_m, input) => ({
              stream: false,
              header: new Metadata(),
              message: { greeting: `${endpoint.host}: ${(input as { name: string }).name}` },
              trailer: new Metadata(),
            }),
            stream: () => Promise.reject(new RpcError(Code.Unimplemented, "unary only")),
            close: async () => {},
          };
        },
      }),
    );
    const client = consumer.client(GreetService, { loadbalance: "roundrobin" });
    const got = [];
    for (let i = 0; i < 4; i++) got.push((await client.greet({ name: "x" })).greeting);
    assert.deepEqual(got, ["10.0.0.1: x", "10.0.0.2: x", "10.0.0.1: x", "10.0.0.2: x"]);
    assert.deepEqual(made, ["10.0.0.1", "10.0.0.2"]);
  });
});

describe("interface services (IDL-less, JSON)", () => {
  const DemoService = defineInterface("org.apache.dubbo.demo.DemoService", {
    sayHello: unary<[name: string], string>({ params: ["name"] }),
    add: unary<[a: number, b: number], number>({ params: ["a", "b"] }),
    findUser: unary<[id: number], { id: number; name: string } | null>(),
    countdown: serverStream<[from: number], number>(),
  });

  async function startDemo() {
    const wire: string[] = [];
    const app = track(createApp({ name: "demo-provider", logger: silentLogger }));
    app.serveInterface(
      DemoService,
      {
        sayHello: (name, ctx: HandlerContext) => {
          wire.push(`${ctx.protocol}/${ctx.codec}`);
          return `hello ${name}`;
        },
        add: (a, b) => a + b,
        findUser: async (id) => (id === 1 ? { id, name: "ann" } : null),
        async *countdown(from) {
          for (let i = from; i > 0; i--) yield i;
        },
      },
      { version: "1.0.0" },
    );
    const { port } = await app.start({ host: "127.0.0.1" });
    return { port, wire };
  }

  test("typed client over Triple (application/json) and gRPC (application/grpc+json)", async () => {
    const { port, wire } = await startDemo();
    const consumer = track(createApp({ name: "shop", logger: silentLogger }));
    const target = `tri://127.0.0.1:${port}`;
    const client = consumer.client(DemoService, { target, version: "1.0.0" });
    assert.equal(await client.sayHello("dubbo"), "hello dubbo");
    assert.equal(await client.add(2, 3), 5);
    assert.deepEqual(await client.findUser(1), { id: 1, name: "ann" });
    assert.equal(await client.findUser(2), null);
    assert.deepEqual(await collect(client.countdown(3)), [3, 2, 1]);
    const grpc = consumer.client(DemoService, { target, version: "1.0.0", protocol: "grpc" });
    assert.equal(await grpc.sayHello("grpc"), "hello grpc");
    assert.deepEqual(wire, ["triple/json", "grpc/json"]);
  });

  test("the wire format Java and curl use: a JSON array of arguments, or an object by name", async () => {
    const { port } = await startDemo();
    const post = async (method: string, body: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/org.apache.dubbo.demo.DemoService/${method}`, {
        method: "POST",
        headers: { "content-type": "application/json", "tri-service-version": "1.0.0" },
        body,
      });
      return { status: res.status, body: await res.text() };
    };
    assert.deepEqual(await post("add", "[2,3]"), { status: 200, body: "5" });
    assert.deepEqual(await post("add", '{"a":4,"b":5}'), { status: 200, body: "9" });
    assert.deepEqual(await post("sayHello", '["world"]'), { status: 200, body: '"hello world"' });
    assert.deepEqual(await post("sayHello", '"bare"'), { status: 200, body: '"hello bare"' });
    const bad = await post("add", "7");
    assert.equal(bad.status, 400);
    assert.match(bad.body, /takes 2 arguments \(a, b\)/);
  });

  test("interface names and definitions are checked", () => {
    assert.throws(() => defineInterface("not a name", {}), /invalid interface name/);
  });
});

describe("metrics", () => {
  test("counters, failures, latency and in-flight per side, in app.metrics() and on GET /metrics", async () => {
    const provider = track(createApp({ name: "greeter", logger: silentLogger }));
    provider.serve(GreetService, {
      greet: (r) => {
        if (r.name === "bad") throw new RpcError(Code.InvalidArgument, "bad name");
        return { greeting: `hi ${r.name}` };
      },
    });
    const { port } = await provider.start({ host: "127.0.0.1" });
    const consumer = track(
      createApp({ name: "shop", logger: silentLogger, metrics: { port: 0, host: "127.0.0.1" } }),
    );
    await consumer.start({ host: "127.0.0.1" });
    const client = consumer.client(GreetService, { target: `127.0.0.1:${port}` });
    for (let i = 0; i < 3; i++) await client.greet({ name: "x" });
    await client.greet({ name: "bad" }).catch(() => {});
    const text = await consumer.metrics();
    const labels = 'side="consumer",service="greet.v1.GreetService",method="Greet"';
    assert.match(text, new RegExp(`dubbo_requests_total\\{${labels},application="shop"\\} 4`));
    assert.match(
      text,
      new RegExp(`dubbo_requests_failed_total\\{${labels},code="3",application="shop"\\} 1`),
    );
    assert.match(
      text,
      new RegExp(`dubbo_request_duration_seconds_count\\{${labels},application="shop"\\} 4`),
    );
    assert.match(text, new RegExp(`dubbo_requests_in_flight\\{${labels},application="shop"\\} 0`));
    assert.match(
      text,
      new RegExp(`dubbo_request_duration_seconds_bucket\\{${labels},le="\\+Inf",application="shop"\\} 4`),
    );
    assert.match(
      await provider.metrics(),
      /dubbo_requests_total\{side="provider",service="greet.v1.GreetService",method="Greet",application="greeter"\} 4/,
    );
    const res = await fetch(`http://127.0.0.1:${consumer.metricsPort}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/plain/);
    assert.match(await res.text(), /dubbo_requests_total/);
  });
});

describe("discovery and directory", () => {
  test("providers register with the discovery source, with weight, tag and start time", async () => {
    const registry = new InMemoryRegistry();
    const provider = track(
      createApp({ name: "greeter", logger: silentLogger, discovery: registry, labels: { region: "hz" } }),
    );
    provider.serve(
      GreetService,
      { greet: (r) => ({ greeting: `p: ${r.name}` }) },
      { weight: 200, tag: "gray", version: "2.0" },
    );
    const before = Date.now();
    const { port } = await provider.start({ host: "127.0.0.1" });
    const consumer = track(createApp({ name: "shop", logger: silentLogger, discovery: registry }));
    const client = consumer.client(GreetService, { version: "2.0", tag: "gray" });
    assert.equal((await client.greet({ name: "x" })).greeting, "p: x");
    const events = registry.events.filter((e) => e.kind === "register");
    assert.deepEqual(
      events.map((e) => [e.service, e.address]),
      [[GREET, `127.0.0.1:${port}`]],
    );
    const seen: string[] = [];
    registry.watch({ interface: GREET, version: "2.0" }, (list) => {
      for (const e of list) {
        assert.equal(e.weight, 200);
        assert.equal(e.metadata["dubbo.tag"], "gray");
        assert.equal(e.metadata.application, "greeter");
        assert.equal(e.metadata.region, "hz");
        assert.ok(Number(e.metadata.timestamp) >= before);
        seen.push(`${e.host}:${e.port}`);
      }
    });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, [`127.0.0.1:${port}`]);
  });

  test("an unconfirmed empty list keeps the last known good endpoints; a confirmed one empties them", async () => {
    const p1 = await startProvider({ id: "p1" });
    track(p1.app);
    const manual = new ManualDiscovery();
    const log = new RecordingLogger();
    const consumer = track(createApp({ name: "shop", logger: log, discovery: manual }));
    const client = consumer.client(GreetService);
    manual.emit([parseEndpointUrl(p1.url())]);
    assert.equal(servedBy((await client.greet({ name: "x" })).greeting), "p1");
    manual.emit([]);
    assert.match(
      log.at("warn").at(-1)?.message ?? "",
      /reported no endpoints .* without confirming it; keeping the last known 1/,
    );
    assert.equal(servedBy((await client.greet({ name: "x" })).greeting), "p1");
    manual.emit([], { confirmed: true });
    const e = await client.greet({ name: "x" }).catch((x: unknown) => x);
    assert.ok(e instanceof RpcError && e.code === Code.Unavailable);
    assert.match(
      e.message,
      /no provider available for greet\.v1\.GreetService: discovery lists no endpoints/,
    );
  });

  test("a call waits for discovery's first answer", async () => {
    const p1 = await startProvider({ id: "p1" });
    track(p1.app);
    const manual = new ManualDiscovery();
    const consumer = track(createApp({ name: "shop", logger: silentLogger, discovery: manual }));
    const client = consumer.client(GreetService);
    const pending = client.greet({ name: "x" });
    setTimeout(() => manual.emit([parseEndpointUrl(p1.url())]), 50);
    assert.equal(servedBy((await pending).greeting), "p1");
  });

  test("a transport is made on the first call and closed when its endpoint leaves", async () => {
    const p1 = await startProvider({ id: "p1" });
    track(p1.app);
    const pool = new TransportPool();
    const manual = new ManualDiscovery();
    const dir = new Directory({ interface: GREET }, [manual], pool, silentLogger);
    manual.emit([parseEndpointUrl(p1.url()), parseEndpointUrl("tri://127.0.0.1:1")]);
    assert.equal(dir.list().length, 2);
    assert.equal(pool.size, 0);
    dir.list()[0].transport({ protocol: "grpc", codec: "proto" });
    assert.equal(pool.size, 1);
    manual.emit([parseEndpointUrl("tri://127.0.0.1:1")], { confirmed: true });
    assert.equal(pool.size, 0);
    dir.close();
    await pool.close();
  });

  test("static addresses: weights, parameters, group/version filtering, bad input", () => {
    const e = parseEndpointUrl("tri://10.0.0.1:50051?weight=200&dubbo.tag=gray&version=1.0");
    assert.deepEqual([e.host, e.port, e.weight, e.metadata["dubbo.tag"]], ["10.0.0.1", 50051, 200, "gray"]);
    assert.equal(parseEndpointUrl("[::1]:80").host, "::1");
    assert.equal(parseEndpointUrl("10.0.0.2:1").protocol, "tri");
    assert.throws(() => parseEndpointUrl("http://x:1"), /unsupported protocol "http"/);
    assert.throws(() => parseEndpointUrl("tri://x"), /a host and a port/);
    assert.throws(() => parseEndpointUrl("tri://x:1?weight=-3"), /invalid weight/);
    const d = staticDiscovery({ svc: ["tri://a:1?version=1.0", "tri://b:1?version=2.0", "tri://c:1"] });
    const got: string[][] = [];
    d.watch({ interface: "svc", version: "1.0" }, (list) => got.push(list.map((x) => x.host)));
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        assert.deepEqual(got, [["a", "c"]]);
        resolve();
      }),
    );
  });
});

describe("mesh modes", () => {
  test("proxy mode: the client dials the target host name, one attempt, no balancing of its own", async () => {
    const p1 = await startProvider({ id: "p1" });
    track(p1.app);
    const log = new RecordingLogger();
    const consumer = track(createApp({ name: "shop", logger: log, mesh: { mode: "proxy" } }));
    assert.throws(
      () => consumer.client(GreetService),
      /proxy mode: the client of greet\.v1\.GreetService needs a target/,
    );
    const client = consumer.client(GreetService, { target: `dns:///localhost:${p1.port}` });
    assert.match(log.at("warn")[0]?.message ?? "", /loopback address, which the sidecar does not intercept/);
    assert.equal(servedBy((await client.greet({ name: "x" })).greeting), "p1");
    p1.served = 0;
    const e = await client
      .greet({ name: "x" }, { attachments: { "x-fail-with": "unavailable" } })
      .catch((x: unknown) => x);
    assert.ok(e instanceof RpcError && e.code === Code.Unavailable);
    assert.equal(p1.served, 1, "proxy mode must leave retries to the sidecar");
  });

  test("proxyless mode needs a mesh adapter (the xDS integration)", () => {
    assert.throws(
      () => createApp({ name: "x", logger: silentLogger, mesh: { mode: "proxyless" } as never }),
      /needs a MeshAdapter/,
    );
  });
});

describe("graceful stop", () => {
  test("unregisters first, waits for consumers to drop the endpoint, then drains; no call fails", async () => {
    const registry = new InMemoryRegistry();
    const providerLog = new RecordingLogger();
    const start = async (id: string, logger = silentLogger as typeof silentLogger | RecordingLogger) => {
      const app = track(createApp({ name: "greeter", logger, discovery: registry }));
      const state = { served: 0 };
      app.serve(GreetService, {
        async greet(r) {
          state.served++;
          await new Promise((res) => setTimeout(res, 5));
          return { greeting: `${id}: ${r.name}` };
        },
      });
      await app.start({ host: "127.0.0.1" });
      return { app, state };
    };
    const a = await start("a", providerLog);
    const b = await start("b");
    const consumer = track(createApp({ name: "shop", logger: silentLogger, discovery: registry }));
    const client = consumer.client(GreetService, { loadbalance: "roundrobin" });
    let running = true;
    let failed = 0;
    let calls = 0;
    const worker = async () => {
      while (running) {
        try {
          await client.greet({ name: "x" });
          calls++;
        } catch {
          failed++;
        }
      }
    };
    const workers = Array.from({ length: 4 }, worker);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(a.state.served > 0 && b.state.served > 0);
    const stopStarted = Date.now();
    const stopping = a.app.stop({ unregisterWaitMs: 300, drainMs: 2000 });
    await new Promise((r) => setTimeout(r, 50));
    const servedAfterUnregister = a.state.served;
    await stopping;
    running = false;
    await Promise.all(workers);

    const unregistered = registry.events.find((e) => e.kind === "unregister");
    const draining = providerLog.records.find((r) => r.message === "draining the server");
    assert.ok(unregistered && draining, "missing unregister event or drain log");
    assert.ok(unregistered.at <= draining.at, "drained before unregistering");
    assert.ok(draining.at - unregistered.at >= 290, `waited only ${draining.at - unregistered.at} ms`);
    assert.ok(unregistered.at - stopStarted < 50);
    assert.equal(failed, 0);
    assert.ok(calls > 20);
    assert.equal(a.state.served, servedAfterUnregister, "the stopped provider got calls after unregistering");
    // And it is gone for real.
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = http2.connect(`http://127.0.0.1:${a.app.endpoint!.port}`);
        s.on("error", reject);
        s.on("connect", () => {
          s.close();
          resolve(undefined);
        });
      }),
    );
  });
});
