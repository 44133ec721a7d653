import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import type { Endpoint, ServiceRegistration } from "@dubbo-mesh/dubbo";
import { createClient, createTransport } from "@dubbo-mesh/triple";
import {
  hasJavaToolchain,
  type JavaConsumerResult,
  runJavaConsumer,
  startJavaProvider,
} from "../../../interop/java/peer.js";
import { GreetService } from "../../triple/test/gen/greet/v1/greet_pb.js";
import { javaInterfaceName, type RegistryMode } from "../src/index.js";
import { Opened } from "./support/fixtures.js";
import { startGreetServer } from "./support/greet-server.js";
import { Recorder } from "./support/wait.js";
import { hasZooKeeper, startZooKeeper, type ZooKeeperServer } from "./support/zookeeper.js";

// Real Dubbo Java 3.3.5 (interop/java) and a real ZooKeeper: Java providers found and called by us,
// our providers found and called by the Java consumer, in both registry layouts.

const JAVA_GREET = javaInterfaceName(GreetService); // org.dubbomesh.greet.v1.GreetService
const aliases = { [GreetService.typeName]: JAVA_GREET };
/** The JVM defaults of interop/java/peer.ts, plus what a test adds. */
const JVM = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m"];

const skip = !hasZooKeeper()
  ? "ZooKeeper is not installed (apt-get install zookeeper)"
  : !hasJavaToolchain()
    ? "java and mvn are needed for the Dubbo Java peer"
    : false;

describe("Dubbo Java 3.3.5 <-> our ZooKeeper discovery", { skip, timeout: 900_000 }, () => {
  let zk: ZooKeeperServer;
  let registry: string;
  const opened = new Opened();
  before(async () => {
    zk = await startZooKeeper();
    registry = `zookeeper://${zk.address}`;
  });
  after(() => zk?.stop());
  afterEach(() => opened.closeAll());

  /** Watches GreetService by its wire name (the alias maps it to Java's key) until `n` endpoints are listed. */
  async function discover(
    mode: RegistryMode,
    group: string,
    version: string,
    n = 1,
  ): Promise<readonly Endpoint[]> {
    const discovery = opened.discovery({ address: zk.address, mode, interfaceAliases: aliases });
    const seen = new Recorder();
    discovery.watch({ interface: GreetService.typeName, group, version, protocol: "tri" }, seen.listener);
    return seen.until(`${n} GreetService endpoint(s) via ${mode}`, (l) => l.length === n, 30_000);
  }

  async function greetThrough(endpoint: Endpoint, group: string, version: string): Promise<string> {
    const transport = createTransport({ baseUrl: `http://${endpoint.host}:${endpoint.port}` });
    try {
      const client = createClient(GreetService, transport);
      return (await client.greet({ name: "ts" }, { group, version, timeoutMs: 10_000 })).greeting;
    } finally {
      await transport.close();
    }
  }

  it("a Java provider registered interface-level is found with its URL's facts and called over Triple", async () => {
    const java = await startJavaProvider({
      registry,
      registerMode: "interface",
      app: "java-iface",
      group: "g1",
      version: "1.0.0",
    });
    opened.track(() => java.stop());
    const [endpoint] = await discover("interface", "g1", "1.0.0");
    assert.ok(endpoint);
    assert.equal(endpoint.host, "127.0.0.1");
    assert.equal(endpoint.port, java.port);
    assert.equal(endpoint.protocol, "tri");
    assert.equal(endpoint.weight, 100);
    assert.equal(endpoint.metadata["application"], "java-iface");
    assert.equal(endpoint.metadata["interface"], JAVA_GREET);
    assert.equal(endpoint.metadata["path"], "greet.v1.GreetService");
    assert.equal(endpoint.metadata["release"], "3.3.5");
    assert.equal(endpoint.metadata["side"], "provider");
    assert.equal(await greetThrough(endpoint, "g1", "1.0.0"), "Hello, ts from java:g1:1.0.0");

    // Its shutdown hook unregisters: the endpoint goes away.
    const discovery = opened.discovery({ address: zk.address, mode: "interface", interfaceAliases: aliases });
    const seen = new Recorder();
    discovery.watch({ interface: GreetService.typeName, group: "g1", version: "1.0.0" }, seen.listener);
    await seen.until("listed", (l) => l.length === 1);
    await java.stop();
    await seen.until("gone after the Java provider stopped", (l) => l.length === 0, 30_000);
  });

  it("a Java provider registered application-level (local metadata, via MetadataService) is found and called", async () => {
    const java = await startJavaProvider({
      registry,
      registerMode: "instance",
      app: "java-app-local",
      group: "g2",
      version: "2.0.0",
    });
    opened.track(() => java.stop());
    const [endpoint] = await discover("instance", "g2", "2.0.0");
    assert.ok(endpoint);
    assert.equal(endpoint.host, "127.0.0.1");
    assert.equal(endpoint.port, java.port);
    assert.equal(endpoint.protocol, "tri");
    assert.equal(endpoint.metadata["dubbo.metadata.storage-type"], "local");
    assert.equal(endpoint.metadata["application"], "java-app-local");
    assert.equal(endpoint.metadata["path"], "greet.v1.GreetService");
    assert.equal(await greetThrough(endpoint, "g2", "2.0.0"), "Hello, ts from java:g2:2.0.0");
  });

  it("a Java provider with metadata-type=remote in mode all is read from /dubbo/metadata and merged", async () => {
    const java = await startJavaProvider({
      registry,
      registerMode: "all",
      app: "java-app-remote",
      group: "g3",
      version: "3.0.0",
      jvmArgs: [...JVM, "-Ddubbo.application.metadata-type=remote"],
    });
    opened.track(() => java.stop());
    const [viaInstance] = await discover("instance", "g3", "3.0.0");
    assert.equal(viaInstance?.metadata["dubbo.metadata.storage-type"], "remote");
    assert.equal(viaInstance?.port, java.port);
    const [merged] = await discover("all", "g3", "3.0.0"); // both layouts, one endpoint
    assert.ok(merged);
    assert.equal(await greetThrough(merged, "g3", "3.0.0"), "Hello, ts from java:g3:3.0.0");
  });

  /** Registers our server's GreetService and runs the Java consumer against the registry. */
  async function javaCallsUs(
    mode: RegistryMode,
    javaDiscovery: "interface" | "instance" | "all",
    tag: string,
  ): Promise<{ result: JavaConsumerResult; greetingOf: (kind: string) => unknown }> {
    const group = "gts";
    const version = "1.0.0";
    const { server, port } = await startGreetServer(tag, { group, version, alias: JAVA_GREET });
    opened.track(() => server.close({ graceMs: 100 }));
    const discovery = opened.discovery({ address: zk.address, mode, interfaceAliases: aliases });
    const registration: ServiceRegistration = {
      interface: GreetService.typeName,
      application: `ts-${mode}`,
      host: "127.0.0.1",
      port,
      protocol: "tri",
      methods: GreetService.methods.map((m) => m.name),
      group,
      version,
    };
    await discovery.register(registration);
    try {
      const result = await runJavaConsumer({
        registry,
        discovery: javaDiscovery,
        group,
        version,
        name: "java",
        app: `java-consumer-${javaDiscovery}`,
        callTimeoutMs: 15_000,
      });
      assert.equal(
        result.code,
        0,
        `consumer failed: ${JSON.stringify(result.results)}\n${result.stderr.slice(-3000)}`,
      );
      const byKind = new Map(result.results.map((r) => [r.kind, r]));
      return {
        result,
        greetingOf: (kind) => byKind.get(kind)?.["greeting"] ?? byKind.get(kind)?.["greetings"],
      };
    } finally {
      await discovery.unregister(registration);
    }
  }

  it("our provider registered interface-level is found and called by the Java consumer (all four kinds)", async () => {
    const { greetingOf } = await javaCallsUs("interface", "interface", "ts-iface");
    // Interface-level: the URL path is the proto name, so Java dials /greet.v1.GreetService/...
    assert.equal(greetingOf("unary"), "Hello, java from ts-iface");
    assert.deepEqual(
      greetingOf("server-stream"),
      [1, 2, 3].map((i) => `Hello, java #${i} from ts-iface`),
    );
    assert.equal(greetingOf("client-stream"), "Hello, java-1, java-2, java-3 from ts-iface");
    assert.deepEqual(
      greetingOf("bidi"),
      ["java-1", "java-2", "java-3"].map((n) => `Hello, ${n} from ts-iface`),
    );
  });

  it("our provider registered application-level is found and called by the Java consumer", async () => {
    const { greetingOf } = await javaCallsUs("instance", "instance", "ts-app");
    // Application-level: Java dials /<MetadataInfo path>/<Method>, i.e. the Java interface name.
    assert.equal(greetingOf("unary"), `Hello, java from ts-app via ${JAVA_GREET}`);
    assert.equal(greetingOf("client-stream"), `Hello, java-1, java-2, java-3 from ts-app via ${JAVA_GREET}`);
  });

  it("our provider registered in mode all is called by the Java consumer in APPLICATION_FIRST mode", async (t) => {
    const { greetingOf } = await javaCallsUs("all", "all", "ts-all");
    t.diagnostic(`Java consumer (APPLICATION_FIRST) got: ${String(greetingOf("unary"))}`);
    // Both layouts are there; Dubbo prefers the application-level addresses, so it dials the Java name.
    assert.equal(greetingOf("unary"), `Hello, java from ts-all via ${JAVA_GREET}`);
  });
});
