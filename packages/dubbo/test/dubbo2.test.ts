// protocol "dubbo" inside one process: our consumer -> our provider over Dubbo2 (Hessian2), through a
// direct target and through a registry; error mapping, attachments, protocol separation.
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
  Code,
  createApp,
  type DubboApp,
  defineInterface,
  type HandlerContext,
  RpcError,
  silentLogger,
  unary,
} from "@dubbo-mesh/dubbo";
import { type JavaException, javaClassOf } from "@dubbo-mesh/hessian2";
import { DEMO, DemoService, demoImpl, ORDER, sampleItems, sampleUser, USER } from "./support/demo-service.js";
import { GreetService } from "./support/greet.js";
import { InMemoryRegistry } from "./support/in-memory-registry.js";
import { deadPort } from "./support/ports.js";

const apps: DubboApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop({ unregisterWaitMs: 0, drainMs: 100 })));
});

function app(name: string, registry?: InMemoryRegistry): DubboApp {
  const a = createApp({ name, logger: silentLogger, metrics: false, tracing: false, discovery: registry });
  apps.push(a);
  return a;
}

async function demoProvider(seen: HandlerContext[] = [], registry?: InMemoryRegistry) {
  const provider = app("ts-provider", registry).serveInterface(DemoService, demoImpl(seen), {
    protocol: ["tri", "dubbo"],
  });
  await provider.start({ host: "127.0.0.1" });
  return provider;
}

describe('protocol "dubbo" between two SDK apps', () => {
  test("calls with POJOs, nested POJOs, Dates and BigDecimal; attachments both ways", async () => {
    const seen: HandlerContext[] = [];
    const provider = await demoProvider(seen);
    const port = provider.dubboPort;
    assert.ok(port !== undefined && port > 0);
    const demo = app("ts-consumer").client(DemoService, {
      protocol: "dubbo",
      target: `dubbo://127.0.0.1:${port}`,
      timeout: 3000,
    });
    let served: string | undefined;
    const hello = await demo
      .$with({
        attachments: { "x-who": "tester" },
        onResponseAttachments: (md) => (served = md.get("x-served-by")),
      })
      .sayHello("ts");
    assert.equal(hello, "Hello, ts (tester)");
    assert.equal(served, "ts");
    assert.equal(seen[0]?.requestHeader.get("x-who"), "tester");
    assert.equal(seen[0]?.requestHeader.get("interface"), DEMO); // Dubbo's own attachments arrive too

    const user = await demo.echoUser(sampleUser("u")); // a plain object: sent as the declared User
    assert.equal(javaClassOf(user), USER);
    assert.deepEqual({ ...user }, sampleUser("u"));

    const order = await demo.placeOrder(sampleUser("buyer"), sampleItems(), { paid: "true" });
    assert.equal(javaClassOf(order), ORDER);
    assert.equal(order.id, 9_007_199_254_740_993n);
    assert.equal(order.total.value, "4.55");
    assert.equal(order.status.name, "PAID");
    assert.equal(order.itemsBySku.apple, order.items[0]);
  });

  test("a thrown Java exception is an RpcError UNKNOWN with the decoded exception as cause", async () => {
    const provider = await demoProvider();
    const demo = app("ts-consumer").client(DemoService, {
      protocol: "dubbo",
      target: `dubbo://127.0.0.1:${provider.dubboPort}`,
    });
    const e = await demo.fail("demo").then(
      () => assert.fail("expected an error"),
      (x: unknown) => x,
    );
    assert.ok(e instanceof RpcError);
    assert.equal(e.code, Code.Unknown);
    assert.match(e.message, /DemoException: demo failure/);
    const cause = e.cause as JavaException;
    assert.equal(cause.className, "org.dubbomesh.interop.DemoException");
    assert.equal(cause.value.code, 42);
    assert.equal((cause.cause as JavaException).className, "java.lang.IllegalStateException");
  });

  test("statuses map to codes: no such service UNIMPLEMENTED, timeout DEADLINE_EXCEEDED, refused UNAVAILABLE", async () => {
    const Other = defineInterface("org.example.Missing", {
      ping: unary<[], string>({ parameterTypes: [] }),
    });
    const Slow = defineInterface("org.example.Slow", {
      nap: unary<[ms: number], string>({ parameterTypes: ["int"] }),
    });
    const provider = app("ts-provider").serveInterface(
      Slow,
      { nap: (ms) => new Promise<string>((r) => setTimeout(() => r("up"), ms)) },
      { protocol: "dubbo" },
    );
    await provider.start({ host: "127.0.0.1" });
    const consumer = app("ts-consumer");
    const target = `dubbo://127.0.0.1:${provider.dubboPort}`;
    const missing = consumer.client(Other, { protocol: "dubbo", target, retries: 0 });
    await assert.rejects(missing.ping(), (e: RpcError) => e.code === Code.Unimplemented);
    const slow = consumer.client(Slow, { protocol: "dubbo", target, retries: 0, timeout: 100 });
    await assert.rejects(slow.nap(1000), (e: RpcError) => e.code === Code.DeadlineExceeded);
    assert.equal(await slow.$with({ timeoutMs: 2000 }).nap(1), "up");
    const dead = consumer.client(Slow, {
      protocol: "dubbo",
      target: `dubbo://127.0.0.1:${await deadPort()}`,
      retries: 0,
    });
    await assert.rejects(dead.nap(1), (e: RpcError) => e.code === Code.Unavailable);
  });

  test("a method without parameterTypes cannot go over dubbo (clear error)", async () => {
    const Untyped = defineInterface("org.example.Untyped", { hi: unary<[name: string], string>() });
    const demo = app("ts-consumer").client(Untyped, {
      protocol: "dubbo",
      target: `dubbo://127.0.0.1:${await deadPort()}`,
      retries: 0,
    });
    await assert.rejects(
      demo.hi("x"),
      (e: RpcError) => e.code === Code.FailedPrecondition && /parameterTypes/.test(e.message),
    );
  });

  test("registers dubbo:// next to tri://; dubbo clients take only dubbo endpoints, tri clients only tri", async () => {
    const registry = new InMemoryRegistry();
    const provider = await demoProvider([], registry);
    const consumer = app("ts-consumer", registry);
    const overDubbo = consumer.client(DemoService, { protocol: "dubbo", timeout: 3000 });
    const overTri = consumer.client(DemoService, { timeout: 3000 });
    assert.equal(await overDubbo.sayHello("d"), "Hello, d");
    assert.equal(await overTri.sayHello("t"), "Hello, t");
    const addresses = registry.events.filter((e) => e.kind === "register").map((e) => e.address);
    assert.deepEqual(
      addresses.sort(),
      [`127.0.0.1:${provider.dubboPort}`, `127.0.0.1:${provider.endpoint?.port}`].sort(),
    );
  });

  test("protobuf services cannot be served or called over dubbo", () => {
    const a = app("x");
    assert.throws(
      () => a.client(GreetService, { protocol: "dubbo", target: "dubbo://127.0.0.1:1" }),
      /interface services/,
    );
    assert.throws(() => a.serve(GreetService, {}, { protocol: "dubbo" }), /tri only/);
  });
});
