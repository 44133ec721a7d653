// Dubbo2 and Triple wrapper mode against real Dubbo Java 3.3.5 (interop/java, started by the tests):
//
// - our Dubbo2 client -> the Java provider's dubbo:// DemoService: POJOs nested in lists and maps,
//   Dates, BigDecimal, a long beyond 2^53, an enum, int[]; a thrown DemoException decoded with its
//   field, cause and Java stack; generic $invoke and $echo; unknown methods; many calls at once.
// - the Java consumer (DemoService reference over dubbo://, and a GenericService) -> our Dubbo2 server.
// - our Triple client in wrapper mode -> the Java provider's Triple DemoService.
//
// Needs a JDK and Maven (the peer is built on first use); without them these tests fail with the
// build script's message ("'java' not found: install ..."), they do not skip.

import { strict as assert } from "node:assert";
import { after, before, describe, it } from "node:test";
import { java, javaClassOf, setJavaClass } from "@dubbo-mesh/hessian2";
import { createTransport, RpcError } from "@dubbo-mesh/triple";
import { type JavaProvider, runJavaConsumer, startJavaProvider } from "../../../interop/java/peer.js";
import {
  createDubbo2Client,
  createDubbo2Server,
  type Dubbo2Client,
  type Dubbo2Dispatcher,
  Dubbo2Error,
  Status,
  tripleWrapperMethod,
} from "../src/index.js";

const DEMO = "org.dubbomesh.interop.DemoService";
const USER = "org.dubbomesh.interop.User";
const ITEM = "org.dubbomesh.interop.Item";
const ORDER = "org.dubbomesh.interop.Order";
const STATUS = "org.dubbomesh.interop.OrderStatus";
const PLACE_ORDER_TYPES = [USER, "java.util.List", "java.util.Map"];

function user(name: string) {
  return java.object(USER, {
    name,
    age: 42,
    tags: ["a", "b"],
    attrs: { k: "v" },
    birthday: new Date(946684800000),
    balance: java.bigDecimal("1234.56"),
  });
}

function decodedUser(name: string) {
  return setJavaClass(
    {
      name,
      age: 42,
      tags: ["a", "b"],
      attrs: { k: "v" },
      birthday: new Date(946684800000),
      balance: java.bigDecimal("1234.56"),
    },
    USER,
  );
}

const items = () => [
  java.object(ITEM, { sku: "apple", quantity: 3, price: java.bigDecimal("1.25") }),
  java.object(ITEM, { sku: "pear", quantity: 2, price: java.bigDecimal("0.40") }),
];

interface DecodedOrder {
  id: bigint;
  buyer: unknown;
  items: Array<Record<string, unknown>>;
  itemsBySku: Record<string, unknown>;
  notes: Record<string, string>;
  created: Date;
  total: { value: string };
  status: { name: string };
  quantities: number[];
}

describe("our Dubbo2 client -> Dubbo Java provider (dubbo://)", { timeout: 300_000 }, () => {
  let provider: JavaProvider;
  let client: Dubbo2Client;
  before(async () => {
    provider = await startJavaProvider({ dubboPort: true });
    client = createDubbo2Client({ host: "127.0.0.1", port: provider.dubboPort ?? 0, timeoutMs: 10_000 });
  });
  after(async () => {
    await client?.close();
    await provider?.stop();
  });

  it("sayHello and echoUser: a POJO with a list, a map, a Date and a BigDecimal survives the round trip", async () => {
    const hello = await client.invoke({
      path: DEMO,
      method: "sayHello",
      parameterTypes: ["java.lang.String"],
      args: ["ts"],
    });
    assert.equal(hello.value, "Hello, ts");
    assert.equal(hello.attachments.dubbo, "2.0.2"); // the *_WITH_ATTACHMENTS response form
    const echoed = await client.call({
      path: DEMO,
      method: "echoUser",
      parameterTypes: [USER],
      args: [user("ts")],
    });
    assert.deepEqual(echoed, decodedUser("ts"));
    assert.equal(javaClassOf(echoed), USER);
  });

  it("placeOrder: nested POJOs in a list and a map, computed by Java from all three arguments", async () => {
    const order = (await client.call({
      path: DEMO,
      method: "placeOrder",
      parameterTypes: PLACE_ORDER_TYPES,
      args: [user("buyer"), items(), { gift: "yes", paid: "true" }],
    })) as DecodedOrder;
    assert.equal(javaClassOf(order), ORDER);
    assert.equal(order.id, 9_007_199_254_740_993n); // 2^53 + 1 as a bigint, exact
    assert.deepEqual(order.buyer, decodedUser("buyer"));
    assert.deepEqual(
      order.items.map((i) => [javaClassOf(i), i.sku, i.quantity, (i.price as { value: string }).value]),
      [
        [ITEM, "apple", 3, "1.25"],
        [ITEM, "pear", 2, "0.40"],
      ],
    );
    assert.equal(order.itemsBySku.apple, order.items[0]); // Java sent one object, referenced twice
    assert.deepEqual(order.notes, { gift: "yes", paid: "true" });
    assert.deepEqual(order.created, new Date("2024-01-02T03:04:05.678Z"));
    assert.equal(order.total.value, "4.55");
    assert.equal(javaClassOf(order.status), STATUS);
    assert.equal(order.status.name, "PAID");
    assert.deepEqual([...order.quantities], [3, 2]);
    assert.equal(javaClassOf(order.quantities), "[int");
  });

  it("a Java exception is decoded: class, message, own field, cause and Java stack trace", async () => {
    const error = await client
      .call({ path: DEMO, method: "fail", parameterTypes: ["java.lang.String"], args: ["demo"] })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Dubbo2Error, String(error));
    assert.equal(error.status, Status.OK);
    assert.equal(error.isBusinessException, true);
    const e = error.exception;
    assert.equal(e?.className, "org.dubbomesh.interop.DemoException");
    assert.equal(e?.message, "demo failure");
    assert.equal(e?.value.code, 42);
    const cause = e?.cause as { className: string; message: string } | undefined;
    assert.equal(cause?.className, "java.lang.IllegalStateException");
    assert.equal(cause?.message, "root cause");
    assert.equal(e?.javaStackTrace[0]?.declaringClass, "org.dubbomesh.interop.DemoServiceImpl");
    assert.equal(e?.javaStackTrace[0]?.methodName, "fail");
    assert.match(
      e?.stack ?? "",
      /at org\.dubbomesh\.interop\.DemoServiceImpl\.fail\(DemoServiceImpl\.java:\d+\)/,
    );

    const illegal = await client
      .call({ path: DEMO, method: "fail", parameterTypes: ["java.lang.String"], args: ["other"] })
      .then(
        () => assert.fail("expected an exception"),
        (x: unknown) => x as Dubbo2Error,
      );
    assert.equal(illegal.exception?.className, "java.lang.IllegalArgumentException");
    assert.equal(illegal.exception?.message, "unknown kind: other");
  });

  it("an unknown method is answered BAD_REQUEST (Java fails to decode the invocation)", async () => {
    const error = await client
      .call({ path: DEMO, method: "noSuchMethod", parameterTypes: ["java.lang.String"], args: ["x"] })
      .catch((e: Dubbo2Error) => e);
    assert.ok(error instanceof Dubbo2Error);
    assert.equal(error.status, Status.BAD_REQUEST);
    assert.match(error.message, /Fail to decode request due to: .*noSuchMethod/);
  });

  it("generic $invoke: a map with a class entry in, a generalized map out; and $echo", async () => {
    const result = (await client.$invoke({
      path: DEMO,
      method: "echoUser",
      parameterTypes: [USER],
      args: [
        {
          class: USER,
          name: "generic",
          age: 7,
          tags: ["t"],
          attrs: { a: "b" },
          birthday: new Date(0),
          balance: java.bigDecimal("0.10"),
        },
      ],
    })) as Record<string, unknown>;
    assert.equal(javaClassOf(result), undefined, "a plain map, not a User");
    assert.equal(result.class, USER);
    assert.equal(result.name, "generic");
    assert.equal(result.age, 7);
    assert.deepEqual(result.tags, ["t"]);
    assert.deepEqual(result.birthday, new Date(0));
    assert.deepEqual(result.balance, java.bigDecimal("0.10"));
    const hello = await client.$invoke({
      path: DEMO,
      method: "sayHello",
      parameterTypes: ["java.lang.String"],
      args: ["g"],
    });
    assert.equal(hello, "Hello, g");
    assert.equal(await client.$echo(DEMO, "ping"), "ping");
  });

  it("200 concurrent calls share one connection", async () => {
    const names = Array.from({ length: 200 }, (_, i) => `n${i}`);
    const answers = await Promise.all(
      names.map((n) =>
        client.call({ path: DEMO, method: "sayHello", parameterTypes: ["java.lang.String"], args: [n] }),
      ),
    );
    assert.deepEqual(
      answers,
      names.map((n) => `Hello, ${n}`),
    );
    assert.equal(client.connectionCount, 1);
  });
});

/** DemoService in TypeScript, for the Java consumer. */
const demoService: Dubbo2Dispatcher = (inv) => {
  if (inv.path !== DEMO) throw new Dubbo2Error(Status.SERVICE_NOT_FOUND, `no service ${inv.path}`);
  switch (inv.method) {
    case "sayHello":
      return { value: `Hello, ${String(inv.args[0])}` };
    case "echoUser":
      return { value: inv.args[0] };
    case "placeOrder": {
      const [buyer, list, notes] = inv.args as [
        unknown,
        Array<{ sku: string; quantity: number; price: { value: string } }>,
        Record<string, string>,
      ];
      let cents = 0;
      const bySku: Record<string, unknown> = {};
      for (const item of list) {
        bySku[item.sku] = item;
        cents += Math.round(Number(item.price.value) * 100) * item.quantity;
      }
      return {
        value: java.object(ORDER, {
          id: java.long(9_007_199_254_740_993n),
          buyer,
          items: list,
          itemsBySku: java.map("java.util.LinkedHashMap", bySku),
          notes,
          created: new Date(1704164645678),
          total: java.bigDecimal((cents / 100).toFixed(2)),
          status: java.enum(STATUS, "paid" in notes ? "PAID" : "NEW"),
          quantities: java.array(
            "int",
            list.map((i) => i.quantity),
          ),
        }),
      };
    }
    case "fail":
      return {
        exception: java.exception("org.dubbomesh.interop.DemoException", "demo failure", {
          fields: { code: 42 },
          cause: java.exception("java.lang.IllegalStateException", "root cause"),
          stackTrace: [
            { declaringClass: "ts.DemoService", methodName: "fail", fileName: "demo.ts", lineNumber: 1 },
          ],
        }),
      };
    default:
      throw new Dubbo2Error(Status.SERVICE_NOT_FOUND, `no method ${inv.method}`);
  }
};

describe("Dubbo Java consumer -> our Dubbo2 server", { timeout: 300_000 }, () => {
  const seen: Array<{
    method: string;
    generic: string | undefined;
    types: readonly string[];
    attachments: Readonly<Record<string, unknown>>;
  }> = [];
  const server = createDubbo2Server({
    dispatch: (inv) => {
      seen.push({
        method: inv.method,
        generic: inv.generic,
        types: inv.parameterTypes,
        attachments: inv.attachments,
      });
      return demoService(inv);
    },
  });
  let port = 0;
  before(async () => {
    port = (await server.listen({ host: "127.0.0.1" })).port;
  });
  after(() => server.close({ graceMs: 1000 }));

  it("sayHello, echoUser, placeOrder and a thrown DemoException, through a DemoService reference", async () => {
    const r = await runJavaConsumer({
      url: `dubbo://127.0.0.1:${port}`,
      calls: ["demo-hello", "demo-user", "demo-order", "demo-error"],
      name: "java",
    });
    assert.equal(r.code, 0, `consumer failed: ${JSON.stringify(r.results)}\n${r.stderr.slice(-3000)}`);
    const byKind = Object.fromEntries(r.results.map((x) => [x.kind, x]));
    assert.equal(byKind["demo-hello"].result, "Hello, java");
    assert.equal(byKind["demo-user"].equal, true);
    assert.equal(byKind["demo-order"].equal, true, JSON.stringify(byKind["demo-order"]));
    assert.deepEqual(
      [byKind["demo-error"].exception, byKind["demo-error"].code, byKind["demo-error"].cause],
      ["org.dubbomesh.interop.DemoException", 42, "java.lang.IllegalStateException: root cause"],
    );
    const hello = seen.find((s) => s.method === "sayHello");
    assert.deepEqual(hello?.types, ["java.lang.String"]);
    assert.equal(hello?.attachments.timeout, "5000");
    assert.equal(hello?.attachments["remote.application"], "java-consumer");
    assert.deepEqual(seen.find((s) => s.method === "placeOrder")?.types, PLACE_ORDER_TYPES);
  });

  it("generic calls: GenericService.$invoke reaches the dispatcher as the real method", async () => {
    const r = await runJavaConsumer({
      url: `dubbo://127.0.0.1:${port}`,
      calls: ["generic-hello", "generic-user"],
      name: "gen",
    });
    assert.equal(r.code, 0, `consumer failed: ${JSON.stringify(r.results)}\n${r.stderr.slice(-3000)}`);
    const user = r.results.find((x) => x.kind === "generic-user");
    assert.equal(user?.resultClass, "java.util.HashMap"); // generalized: a map with a "class" entry
    assert.equal((user?.user as Record<string, unknown> | undefined)?.class, USER);
    const generic = seen.filter((s) => s.generic !== undefined);
    assert.deepEqual(
      generic.map((s) => [s.method, s.generic, s.types]),
      [
        ["sayHello", "true", ["java.lang.String"]],
        ["echoUser", "true", [USER]],
      ],
    );
  });
});

describe("our Triple client (wrapper mode) -> Dubbo Java Triple DemoService", { timeout: 300_000 }, () => {
  let provider: JavaProvider;
  let transport: ReturnType<typeof createTransport>;
  before(async () => {
    provider = await startJavaProvider({});
    transport = createTransport({ baseUrl: `http://127.0.0.1:${provider.port}` });
  });
  after(async () => {
    await transport?.close();
    await provider?.stop();
  });

  const method = (name: string, parameterTypes: string[]) =>
    tripleWrapperMethod({ service: DEMO, method: name, parameterTypes });

  it("sayHello and echoUser", async () => {
    const hello = await transport.unary(method("sayHello", ["java.lang.String"]), ["tri"], {
      timeoutMs: 10_000,
    });
    assert.equal(hello.message, "Hello, tri");
    const echoed = await transport.unary(method("echoUser", [USER]), [user("tri")], { timeoutMs: 10_000 });
    assert.deepEqual(echoed.message, decodedUser("tri"));
  });

  it("placeOrder with three complex arguments", async () => {
    const res = await transport.unary(
      method("placeOrder", PLACE_ORDER_TYPES),
      [user("tri"), items(), { gift: "no" }],
      { timeoutMs: 10_000 },
    );
    const order = res.message as DecodedOrder;
    assert.equal(order.id, 9_007_199_254_740_993n);
    assert.equal(order.total.value, "4.55");
    assert.equal(order.status.name, "NEW");
  });

  it("a thrown exception: Java answers grpc-status 0 with tri-exception-code 3 and the Throwable as data", async () => {
    let header: Record<string, string> = {};
    const error = await transport
      .unary(method("fail", ["java.lang.String"]), ["demo"], {
        timeoutMs: 10_000,
        onHeader: (h) => {
          header = Object.fromEntries([...h.keys()].map((k) => [k, h.get(k) ?? ""]));
        },
      })
      .catch((e: unknown) => e);
    assert.equal(header["tri-exception-code"], "3");
    assert.ok(error instanceof RpcError, String(error));
    const cause = error.cause;
    assert.ok(cause instanceof Dubbo2Error, String(cause));
    assert.equal(cause.exception?.className, "org.dubbomesh.interop.DemoException");
    assert.equal(cause.exception?.value.code, 42);
  });
});
