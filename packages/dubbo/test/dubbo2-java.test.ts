// protocol "dubbo" against real Dubbo Java 3.3.5 (interop/java) through a real ZooKeeper:
// (a) our consumer finds the Java provider's dubbo:// DemoService at interface level and calls it with
//     POJOs, nested POJOs, lists, maps, Dates and BigDecimal, and gets its DemoException as an RpcError;
// (b) the Java consumer finds our DemoService, served over Dubbo2 and registered in ZooKeeper, and
//     checks every answer against what Java itself computes.
//
// Needs java + mvn (the peer is built on first use) and ZooKeeper (Debian's zookeeper package or
// $ZOOKEEPER_CLASSPATH). Without them the tests fail with a message saying what to install: CI has them.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Code, createApp, type Discovery, type DubboApp, RpcError, silentLogger } from "@dubbo-mesh/dubbo";
import { type JavaException, javaClassOf } from "@dubbo-mesh/hessian2";
import { zookeeperDiscovery } from "@dubbo-mesh/registry-zookeeper";
import {
  hasJavaToolchain,
  type JavaProvider,
  runJavaConsumer,
  startJavaProvider,
} from "../../../interop/java/peer.js";
import {
  hasZooKeeper,
  startZooKeeper,
  type ZooKeeperServer,
} from "../../registry-zookeeper/test/support/zookeeper.js";
import {
  DemoService,
  demoImpl,
  ITEM,
  ORDER,
  ORDER_STATUS,
  sampleItems,
  sampleUser,
  USER,
} from "./support/demo-service.js";

/** A clear failure instead of a skip: CI installs both, so a missing tool is a broken environment. */
function requireTools(): void {
  if (!hasJavaToolchain()) {
    throw new Error(
      "java and mvn are needed for the Dubbo Java peer (apt-get install openjdk-17-jdk-headless maven)",
    );
  }
  if (!hasZooKeeper()) {
    throw new Error("ZooKeeper is needed (apt-get install zookeeper, or set ZOOKEEPER_CLASSPATH)");
  }
}

describe('protocol "dubbo" <-> Dubbo Java 3.3.5 through ZooKeeper', { timeout: 600_000 }, () => {
  let zk: ZooKeeperServer | undefined;
  const apps: DubboApp[] = [];
  /** The app does not close the discovery sources it is given; their ZooKeeper sessions would keep the process alive. */
  const discoveries: Discovery[] = [];
  before(async () => {
    requireTools();
    zk = await startZooKeeper();
  });
  after(async () => {
    await Promise.all(apps.map((a) => a.stop({ unregisterWaitMs: 0, drainMs: 500 })));
    await Promise.all(discoveries.map((d) => d.close()));
    await zk?.stop();
  });

  function app(name: string): DubboApp {
    const discovery = zookeeperDiscovery({ address: zk!.address, mode: "interface" });
    discoveries.push(discovery);
    const a = createApp({
      name,
      discovery,
      advertiseHost: "127.0.0.1",
      logger: silentLogger,
      metrics: false,
      tracing: false,
    });
    apps.push(a);
    return a;
  }

  describe("our consumer -> Java Dubbo2 provider found in ZooKeeper", () => {
    let java: JavaProvider | undefined;
    let demo: ReturnType<typeof clientOf>;
    const clientOf = (a: DubboApp) =>
      a.client(DemoService, { protocol: "dubbo", timeout: 10_000, retries: 0 });
    before(async () => {
      java = await startJavaProvider({
        registry: `zookeeper://${zk!.address}`,
        registerMode: "interface",
        app: "java-demo",
        dubboPort: true,
      });
      demo = clientOf(app("ts-consumer"));
    });
    after(() => java?.stop());

    it("sayHello reaches the Java provider's dubbo port (not its Triple one)", async () => {
      let dubboVersion: string | undefined;
      const hello = await demo
        .$with({ onResponseAttachments: (md) => (dubboVersion = md.get("dubbo")) })
        .sayHello("ts");
      assert.equal(hello, "Hello, ts");
      assert.equal(dubboVersion, "2.0.2", "a Dubbo2 response attachment: the call went over dubbo://");
    });

    it("echoUser: a User with a list, a map, a Date and a BigDecimal survives the round trip", async () => {
      const user = await demo.echoUser(sampleUser("ts"));
      assert.equal(javaClassOf(user), USER);
      assert.deepEqual({ ...user }, sampleUser("ts"));
    });

    it("placeOrder: nested POJOs in a list and a map, computed by Java", async () => {
      const order = await demo.placeOrder(sampleUser("buyer"), sampleItems(), { gift: "yes", paid: "true" });
      assert.equal(javaClassOf(order), ORDER);
      assert.equal(order.id, 9_007_199_254_740_993n);
      assert.deepEqual({ ...order.buyer }, sampleUser("buyer"));
      assert.deepEqual(
        order.items.map((i) => [javaClassOf(i), i.sku, i.quantity, i.price.value]),
        [
          [ITEM, "apple", 3, "1.25"],
          [ITEM, "pear", 2, "0.40"],
        ],
      );
      assert.equal(order.itemsBySku.apple, order.items[0]);
      assert.deepEqual(order.notes, { gift: "yes", paid: "true" });
      assert.deepEqual(order.created, new Date("2024-01-02T03:04:05.678Z"));
      assert.equal(order.total.value, "4.55");
      assert.equal(javaClassOf(order.status), ORDER_STATUS);
      assert.equal(order.status.name, "PAID");
      assert.deepEqual([...order.quantities], [3, 2]);
    });

    it("fail: an RpcError UNKNOWN carrying the decoded DemoException (field, cause, Java stack)", async () => {
      const e = await demo.fail("demo").then(
        () => assert.fail("expected an error"),
        (x: unknown) => x,
      );
      assert.ok(e instanceof RpcError, String(e));
      assert.equal(e.code, Code.Unknown);
      assert.match(e.message, /org\.dubbomesh\.interop\.DemoException: demo failure/);
      const cause = e.cause as JavaException;
      assert.equal(cause.className, "org.dubbomesh.interop.DemoException");
      assert.equal(cause.message, "demo failure");
      assert.equal(cause.value.code, 42);
      const root = cause.cause as JavaException;
      assert.equal(root.className, "java.lang.IllegalStateException");
      assert.equal(root.message, "root cause");
      assert.equal(cause.javaStackTrace[0]?.declaringClass, "org.dubbomesh.interop.DemoServiceImpl");
    });
  });

  describe("Java consumer -> our DemoService over Dubbo2, registered in ZooKeeper", () => {
    it("sayHello, echoUser, placeOrder and the DemoException, found through the registry", async () => {
      const provider = app("ts-demo").serveInterface(DemoService, demoImpl(), { protocol: "dubbo" });
      await provider.start({ host: "127.0.0.1" });
      const r = await runJavaConsumer({
        registry: `zookeeper://${zk!.address}`,
        discovery: "interface",
        demoProtocol: "dubbo",
        calls: ["demo-hello", "demo-user", "demo-order", "demo-error"],
        name: "java",
        callTimeoutMs: 10_000,
      });
      const summary = JSON.stringify(r.results);
      assert.equal(r.code, 0, `${summary}\n${r.stderr.slice(-3000)}`);
      assert.deepEqual(
        r.results.map((x) => [x.kind, x.ok]),
        [
          ["demo-hello", true],
          ["demo-user", true],
          ["demo-order", true],
          ["demo-error", true],
        ],
        summary,
      );
      assert.equal(r.results[0]?.result, "Hello, java");
      assert.equal(r.results[2]?.equal, true, "Java's own placeOrder equals ours");
      assert.equal(r.results[3]?.exception, "org.dubbomesh.interop.DemoException");
    });
  });
});
