// Streaming calls under the whole xDS call path, end to end against our own control plane (in
// process): the VirtualService's retry policy (a first attempt refused with UNAVAILABLE is retried,
// for server streaming and for bidi while no request message was taken), its timeout as
// max_stream_duration (the stream ends DEADLINE_EXCEEDED), its fault abort, and the DestinationRule's
// max requests held by a stream until it ends. Plus the DestinationRule's outlierDetection
// (consecutive 5xx) ejecting a provider that fails every call, and returning it after the ejection time.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "@dubbo-mesh/control-plane";
import { Code, createApp, type DubboApp, RpcError, silentLogger, xdsMesh } from "@dubbo-mesh/dubbo";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { type ApplyResource, resourceApi } from "./support/control-plane-api.js";
import { GreetService } from "./support/greet.js";
import { servedBy } from "./support/providers.js";
import { waitUntil } from "./support/wait-until.js";

const TOKEN = "streams";

/** A provider of ours; `x-call-id` counts attempts, `x-fail-first` refuses a call's first attempt. */
interface Provider {
  readonly id: string;
  readonly app: DubboApp;
  port: number;
  served: number;
  readonly attempts: Map<string, number>;
  /** Called when a bidi call's second attempt reaches the provider. */
  readonly onSecondAttempt: Map<string, () => void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

async function startProvider(id: string, host: string, port: number, broken = false): Promise<Provider> {
  const app = createApp({ name: `provider-${id}`, logger: silentLogger, metrics: false, tracing: false });
  const p: Provider = { id, app, port, served: 0, attempts: new Map(), onSecondAttempt: new Map() };
  const attempt = (header: { get(k: string): string | undefined }): number => {
    const callId = header.get("x-call-id");
    if (callId === undefined) return 1;
    const n = (p.attempts.get(callId) ?? 0) + 1;
    p.attempts.set(callId, n);
    if (n === 1 && header.get("x-fail-first") !== undefined)
      throw new RpcError(Code.Unavailable, `${id} refuses the first attempt`);
    if (n === 2) p.onSecondAttempt.get(callId)?.();
    return n;
  };
  app.serve(GreetService, {
    async greet(req) {
      p.served++;
      if (broken) throw new RpcError(Code.Internal, `${id} is broken`);
      return { greeting: `${id}: hello ${req.name}` };
    },
    async *greetServerStream(req, ctx) {
      p.served++;
      attempt(ctx.requestHeader);
      yield { greeting: `${id}: ${req.name} #1` };
      const hold = Number(ctx.requestHeader.get("x-hold-ms") ?? 0);
      if (hold > 0) await sleep(hold, ctx.signal);
      yield { greeting: `${id}: ${req.name} #2` };
    },
    async *greetBidiStream(reqs, ctx) {
      p.served++;
      attempt(ctx.requestHeader);
      for await (const r of reqs) yield { greeting: `${id}: ${r.name}` };
    },
  });
  p.port = (await app.start({ host, port })).port;
  return p;
}

describe("proxyless streaming calls and outlier detection against our control plane", {
  timeout: 120_000,
}, () => {
  let cp: ControlPlane;
  let base: string;
  let consumer: DubboApp;
  const providers: Provider[] = [];
  let port = 0;

  let apply: ApplyResource;

  const workloadEntry = (name: string, address: string, app: string) =>
    `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: ${name}}
spec:
  address: ${address}
  labels: {app: ${app}}
  ports: {grpc: ${port}}
`;

  before(async () => {
    cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 20, maxMs: 500 } });
    base = `http://127.0.0.1:${(await cp.start()).port}`;
    apply = resourceApi(cp, base, TOKEN);
    providers.push(await startProvider("s", "127.0.0.6", 0));
    port = providers[0].port;
    providers.push(await startProvider("t", "127.0.0.7", port));
    providers.push(await startProvider("x", "127.0.0.8", port, true));
    await apply("workloadentries", "streamer", workloadEntry("streamer", "127.0.0.6", "streamer"));
    await apply("workloadentries", "held", workloadEntry("held", "127.0.0.6", "held"));
    for (const [name, address] of [
      ["guarded-s", "127.0.0.6"],
      ["guarded-t", "127.0.0.7"],
      ["guarded-x", "127.0.0.8"],
    ]) {
      await apply("workloadentries", name, workloadEntry(name, address, "guarded"));
    }
    await apply(
      "virtualservices",
      "streamer",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: streamer}
spec:
  hosts: [streamer]
  http:
  - match:
    - headers: {x-scenario: {exact: retry}}
    route:
    - destination: {host: streamer}
    retries: {attempts: 2, retryOn: unavailable}
  - match:
    - headers: {x-scenario: {exact: timeout}}
    route:
    - destination: {host: streamer}
    timeout: 300ms
    retries: {attempts: 0}
  - match:
    - headers: {x-scenario: {exact: abort}}
    fault:
      abort:
        grpcStatus: PERMISSION_DENIED
        percentage: {value: 100}
    route:
    - destination: {host: streamer}
  - route:
    - destination: {host: streamer}
    retries: {attempts: 0}
`,
    );
    await apply(
      "destinationrules",
      "held",
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: held}
spec:
  host: held
  trafficPolicy:
    connectionPool:
      http: {http2MaxRequests: 1}
`,
    );
    await apply(
      "destinationrules",
      "guarded",
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: guarded}
spec:
  host: guarded
  trafficPolicy:
    loadBalancer: {simple: ROUND_ROBIN}
    outlierDetection:
      consecutive5xxErrors: 2
      interval: 1s
      baseEjectionTime: 3s
      maxEjectionPercent: 50
`,
    );
    consumer = createApp({
      name: "streams",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: {
        mode: "proxyless",
        adapter: xdsMesh({
          xdsServer: base.replace("http://", ""),
          node: { id: "proxyless~127.0.0.9~streams.demo~demo.svc.cluster.local", namespace: "demo" },
          logger: silentLogger,
        }),
      },
    });
  });

  after(async () => {
    await consumer?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await closeSharedXdsClients();
    await Promise.all(providers.map((p) => p.app.stop({ unregisterWaitMs: 0, drainMs: 100 })));
    await cp?.close();
  });

  const streamer = () =>
    consumer.client(GreetService, {
      target: `xds:///streamer.demo.svc.cluster.local:${port}`,
      timeout: 5000,
    });

  async function collect(it: AsyncIterable<{ greeting: string }>): Promise<string[]> {
    const out: string[] = [];
    for await (const r of it) out.push(r.greeting);
    return out;
  }

  it("retries a server stream refused before its response started, as the route's retry policy says", async () => {
    const client = streamer();
    const s = providers[0];
    const call = (scenario: string) => {
      const id = randomUUID();
      const attachments = { "x-scenario": scenario, "x-call-id": id, "x-fail-first": "1" };
      return { id, run: collect(client.greetServerStream({ name: "r" }, { attachments })) };
    };
    const retried = call("retry");
    assert.deepEqual(await retried.run, ["s: r #1", "s: r #2"]);
    assert.equal(s.attempts.get(retried.id), 2);
    // The default route has no retries: the refusal reaches the caller.
    const plain = call("none");
    await assert.rejects(plain.run, (e) => e instanceof RpcError && e.code === Code.Unavailable);
    assert.equal(s.attempts.get(plain.id), 1);
  });

  it("retries a bidi stream while no request message was taken, and not once one was", async () => {
    const client = streamer();
    const s = providers[0];
    // The requests wait until the second attempt is on the provider: the first took no message.
    const id = randomUUID();
    const secondAttempt = new Promise<void>((resolve) => s.onSecondAttempt.set(id, resolve));
    async function* requests() {
      await secondAttempt;
      yield { name: "a" };
      yield { name: "b" };
    }
    const attachments = { "x-scenario": "retry", "x-call-id": id, "x-fail-first": "1" };
    assert.deepEqual(await collect(client.greetBidiStream(requests(), { attachments })), ["s: a", "s: b"]);
    assert.equal(s.attempts.get(id), 2);

    // A caller whose first message went out with the refused attempt: committed, so not retried.
    const committedId = randomUUID();
    let taken = 0;
    async function* eager() {
      taken++;
      yield { name: "a" };
      await new Promise((r) => setTimeout(r, 200));
      yield { name: "b" };
    }
    await assert.rejects(
      collect(
        client.greetBidiStream(eager(), {
          attachments: { "x-scenario": "retry", "x-call-id": committedId, "x-fail-first": "1" },
        }),
      ),
      (e) => e instanceof RpcError && e.code === Code.Unavailable,
    );
    assert.equal(taken, 1);
    assert.equal(s.attempts.get(committedId), 1);
  });

  it("ends server and bidi streams at the route's timeout (max_stream_duration) with DEADLINE_EXCEEDED", async () => {
    const client = streamer();
    // The client allows 5 s; the route's 300 ms wins.
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const r of client.greetServerStream(
          { name: "slow" },
          { attachments: { "x-scenario": "timeout", "x-hold-ms": "3000" } },
        )) {
          got.push(r.greeting);
        }
      })(),
      (e) =>
        e instanceof RpcError &&
        e.code === Code.DeadlineExceeded &&
        /deadline of (2\d\d|300) ms/.test(e.message),
    );
    assert.deepEqual(got, ["s: slow #1"]);

    let release = () => {};
    const never = new Promise<void>((r) => {
      release = r;
    });
    async function* open() {
      yield { name: "first" };
      await never;
    }
    const echoed: string[] = [];
    try {
      await assert.rejects(
        (async () => {
          for await (const r of client.greetBidiStream(open(), {
            attachments: { "x-scenario": "timeout" },
          })) {
            echoed.push(r.greeting);
          }
        })(),
        (e) => e instanceof RpcError && e.code === Code.DeadlineExceeded,
      );
    } finally {
      release();
    }
    assert.deepEqual(echoed, ["s: first"]);
  });

  it("aborts streams by the route's fault, before any provider sees them", async () => {
    const client = streamer();
    const s = providers[0];
    await waitUntil(async () => {
      try {
        await collect(client.greetServerStream({ name: "f" }, { attachments: { "x-scenario": "abort" } }));
        return false;
      } catch (e) {
        return e instanceof RpcError && e.code === Code.PermissionDenied;
      }
    }, "the fault route");
    const served = s.served;
    const denied = (e: unknown) => e instanceof RpcError && e.code === Code.PermissionDenied;
    await assert.rejects(
      collect(client.greetServerStream({ name: "f" }, { attachments: { "x-scenario": "abort" } })),
      denied,
    );
    async function* one() {
      yield { name: "f" };
    }
    await assert.rejects(
      collect(client.greetBidiStream(one(), { attachments: { "x-scenario": "abort" } })),
      denied,
    );
    assert.equal(s.served, served);
  });

  it("holds the circuit breaker's slot until the stream ends", async () => {
    const client = consumer.client(GreetService, {
      target: `xds:///held.demo.svc.cluster.local:${port}`,
      timeout: 5000,
    });
    // max_requests 1: one open stream fills the cluster.
    const open = client.greetServerStream({ name: "h" }, { attachments: { "x-hold-ms": "500" } });
    const it = open[Symbol.asyncIterator]();
    assert.equal((await it.next()).value?.greeting, "s: h #1");
    await assert.rejects(
      collect(client.greetServerStream({ name: "second" })),
      (e) => e instanceof RpcError && e.code === Code.Unavailable && /max_requests \(1\)/.test(e.message),
    );
    assert.equal((await it.next()).value?.greeting, "s: h #2");
    assert.equal((await it.next()).done, true);
    assert.deepEqual(await collect(client.greetServerStream({ name: "third" })), [
      "s: third #1",
      "s: third #2",
    ]);
    // A caller that stops reading early gives the slot back too.
    for await (const r of client.greetServerStream({ name: "early" })) {
      assert.equal(r.greeting, "s: early #1");
      break;
    }
    assert.deepEqual(await collect(client.greetServerStream({ name: "after" })), [
      "s: after #1",
      "s: after #2",
    ]);
  });

  it("ejects a provider after consecutive 5xx (DestinationRule outlierDetection), and calls it again after the ejection time", async () => {
    const client = consumer.client(GreetService, {
      target: `xds:///guarded.demo.svc.cluster.local:${port}`,
      timeout: 2000,
    });
    const broken = providers[2];
    // Wait for the configuration with a stream call, which every provider serves (the broken one
    // only breaks unary calls): a unary probe would count against it.
    await waitUntil(
      async () => (await collect(client.greetServerStream({ name: "w" }))).length === 2,
      "the guarded service",
    );
    const servedBefore = broken.served;
    // One call at a time, round robin over three: the broken one fails two calls, the second ejects it.
    let failed = 0;
    const by: string[] = [];
    for (let i = 0; i < 30; i++) {
      try {
        by.push(servedBy((await client.greet({ name: "x" })).greeting));
      } catch (e) {
        assert.ok(e instanceof RpcError && e.code === Code.Internal, String(e));
        failed++;
      }
    }
    assert.equal(failed, 2, `failures before the ejection (${JSON.stringify(by)})`);
    assert.equal(broken.served - servedBefore, 2);
    // baseEjectionTime 3 s: a sweep (every 1 s) after that returns it.
    await waitUntil(
      async () => {
        try {
          await client.greet({ name: "y" });
          return false;
        } catch {
          return true;
        }
      },
      "the provider's return",
      20_000,
    );
    assert.ok(broken.served - servedBefore > 2);
  });
});
