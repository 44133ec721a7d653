// ZooKeeper address sync end to end: a real ZooKeeper, a real Dubbo Java 3.3.5 Triple provider
// registered interface-level, one of our Triple servers registered by registry-zookeeper, our control
// plane syncing both into the mesh, and @grpc/grpc-js-xds (a real xDS client, in a child process)
// calling them through `xds:///org.dubbomesh.greet.v1.greetservice:50051`.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { createApp, type DubboApp, silentLogger, xdsMesh } from "@dubbo-mesh/dubbo";
import { javaInterfaceName, zookeeperDiscovery } from "@dubbo-mesh/registry-zookeeper";
import { createTripleServer, type TripleServer } from "@dubbo-mesh/triple";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { hasJavaToolchain, type JavaProvider, startJavaProvider } from "../../../interop/java/peer.js";
import {
  hasZooKeeper,
  startZooKeeper,
  type ZooKeeperServer,
} from "../../registry-zookeeper/test/support/zookeeper.js";
import { GreetService } from "../../triple/test/gen/greet/v1/greet_pb.js";
import { ControlPlane } from "../src/control-plane.js";
import { ClusterLoadAssignmentSchema } from "../src/envoy/gen.js";
import { TypeUrl } from "../src/translate/translator.js";
import { AdsTestClient } from "./support/ads-client.js";
import { spawnChild } from "./support/children.js";
import { waitFor } from "./support/wait.js";

const TOKEN = "zk";
const JAVA_GREET = javaInterfaceName(GreetService); // org.dubbomesh.greet.v1.GreetService
const HOST = "org.dubbomesh.greet.v1.greetservice"; // mesh-names.ts: the interface, lowercased
const CLUSTER = `outbound|50051||${HOST}`;

const skip = !hasZooKeeper()
  ? "ZooKeeper is not installed (apt-get install zookeeper)"
  : !hasJavaToolchain()
    ? "java and mvn are needed for the Dubbo Java peer"
    : false;

interface GreetLine {
  ok: boolean;
  greeting?: string;
  code?: number;
  details?: string;
}

interface RegistryzService {
  host: string;
  ports: { name: string; port: number }[];
  endpoints: Record<string, { address: string; labels: Record<string, string>; weight: number }[]>;
}

describe("ZooKeeper sync: Java and our providers in the mesh", { skip, timeout: 600_000 }, () => {
  let zk: ZooKeeperServer;
  let cp: ControlPlane;
  let base: string;
  let java: JavaProvider | undefined;
  let ours: TripleServer | undefined;
  let oursPort = 0;
  let discovery: ReturnType<typeof zookeeperDiscovery> | undefined;
  let clientSeq = 0;
  let sdk: DubboApp | undefined;

  before(async () => {
    zk = await startZooKeeper();
    cp = new ControlPlane({
      token: TOKEN,
      debounce: { quietMs: 20, maxMs: 1000 },
      zookeeper: { address: zk.address, namespace: "demo", sessionTimeoutMs: 5_000 },
    });
    base = `http://127.0.0.1:${(await cp.start()).port}`;
  });

  after(async () => {
    await java?.stop();
    await discovery?.close().catch(() => undefined);
    await ours?.close({ graceMs: 100 });
    await sdk?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await closeSharedXdsClients();
    await cp?.close();
    await zk?.stop();
  });

  async function registryz(): Promise<RegistryzService | undefined> {
    const all = (await (await fetch(`${base}/debug/registryz`)).json()) as RegistryzService[];
    return all.find((s) => s.host === HOST);
  }

  async function endpointsIn(): Promise<string[]> {
    return ((await registryz())?.endpoints["50051"] ?? []).map((e) => e.address).sort();
  }

  async function apply(kind: string, name: string, yaml: string): Promise<void> {
    const res = await fetch(`${base}/api/v1/${kind}/demo/${name}`, {
      method: "PUT",
      body: yaml,
      headers: { "content-type": "application/yaml", authorization: `Bearer ${TOKEN}` },
    });
    assert.ok(res.status < 300, await res.text());
  }

  async function greetings(calls: number): Promise<GreetLine[]> {
    const child = spawnChild("./xds-greet-call.ts", {
      bootstrap: {
        xds_servers: [
          { server_uri: base.slice(7), channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] },
        ],
        node: {
          id: `zk-client-${++clientSeq}`,
          locality: {},
          metadata: { GENERATOR: "grpc", NAMESPACE: "demo" },
        },
      },
      target: `xds:///${HOST}:50051`,
      calls,
    });
    try {
      await child.waitFor("done", 120_000);
      return child.lines.filter((l) => l.event === "call") as unknown as GreetLine[];
    } finally {
      child.kill();
    }
  }

  it("a Java Triple provider in ZooKeeper becomes an endpoint (registryz, EDS) and grpc-js-xds calls it", async () => {
    java = await startJavaProvider({
      registry: `zookeeper://${zk.address}`,
      registerMode: "interface",
      app: "java-greeter",
      version: "1.0.0",
    });
    const javaAddress = `127.0.0.1:${java.port}`;
    await waitFor(
      "the Java provider in /debug/registryz",
      async () => (await endpointsIn()).length === 1,
      30_000,
      200,
    );
    const svc = await registryz();
    assert.deepEqual(
      svc?.ports.map((p) => [p.name, p.port]),
      [["grpc", 50051]],
    );
    const [ep] = svc?.endpoints["50051"] ?? [];
    assert.equal(ep?.address, javaAddress);
    assert.equal(ep?.labels["version"], "1.0.0");
    assert.equal(ep?.labels["app"], "java-greeter");
    assert.equal(ep?.weight, 100);

    // EDS of the service's cluster carries the provider's own port.
    const ads = new AdsTestClient(base, {
      id: "eds-probe",
      metadata: { GENERATOR: "grpc", NAMESPACE: "demo" },
      locality: {},
    });
    try {
      ads.subscribe(TypeUrl.clusterLoadAssignment, [CLUSTER]);
      const eds = await ads.next(TypeUrl.clusterLoadAssignment);
      const cla = fromBinary(ClusterLoadAssignmentSchema, eds.resources[0]!.value);
      const addresses = cla.endpoints.flatMap((l) =>
        l.lbEndpoints.map((e) => {
          const sa =
            e.hostIdentifier.case === "endpoint" ? e.hostIdentifier.value.address?.address : undefined;
          return sa?.case === "socketAddress" && sa.value.portSpecifier.case === "portValue"
            ? `${sa.value.address}:${sa.value.portSpecifier.value}`
            : "?";
        }),
      );
      assert.deepEqual(addresses, [javaAddress]);
    } finally {
      await ads.close();
    }

    const lines = await greetings(10);
    assert.equal(lines.length, 10);
    for (const l of lines) {
      assert.ok(l.ok, JSON.stringify(l));
      assert.match(l.greeting ?? "", /^Hello, mesh from java/);
    }
  });

  it("our SDK in proxyless mode calls the Java provider through the control plane", async () => {
    sdk = createApp({
      name: "shop",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: {
        mode: "proxyless",
        adapter: xdsMesh({
          xdsServer: base.slice(7),
          node: {
            id: "proxyless~127.0.0.9~shop.demo~demo.svc.cluster.local",
            namespace: "demo",
            app: "shop",
          },
          logger: silentLogger,
        }),
      },
    });
    const greeter = sdk.client(GreetService, { target: `xds:///${HOST}:50051` });
    for (let i = 0; i < 5; i++) {
      const { greeting } = await greeter.greet({ name: "sdk" }, { timeoutMs: 10_000 });
      assert.match(greeting, /^Hello, sdk from java/);
    }
  });

  it("a weighted VirtualService splits one interface between the Java provider (1.0.0) and ours (2.0.0)", async () => {
    ours = createTripleServer();
    ours.register(
      GreetService,
      { greet: ({ name }) => ({ greeting: `Hello, ${name} from ts` }) },
      { version: "2.0.0" },
    );
    oursPort = (await ours.listen({ host: "127.0.0.1", port: 0 })).port;
    discovery = zookeeperDiscovery({
      address: zk.address,
      mode: "interface",
      interfaceAliases: { [GreetService.typeName]: JAVA_GREET },
    });
    await discovery.register({
      interface: GreetService.typeName,
      application: "ts-greeter",
      host: "127.0.0.1",
      port: oursPort,
      protocol: "tri",
      methods: GreetService.methods.map((m) => m.name),
      version: "2.0.0",
    });
    await waitFor(
      "both providers in /debug/registryz",
      async () => (await endpointsIn()).length === 2,
      30_000,
      200,
    );
    await apply(
      "destinationrules",
      "greet",
      `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greet}
spec:
  host: ${HOST}
  subsets:
  - {name: java, labels: {version: 1.0.0}}
  - {name: ts, labels: {version: 2.0.0}}
`,
    );
    await apply(
      "virtualservices",
      "greet",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greet}
spec:
  hosts: [${HOST}]
  http:
  - route:
    - destination: {host: ${HOST}, subset: java}
      weight: 70
    - destination: {host: ${HOST}, subset: ts}
      weight: 30
`,
    );
    await waitFor("the push", () => cp.ads.isCurrent(), 5000);
    const lines = await greetings(400);
    assert.equal(lines.filter((l) => !l.ok).length, 0, JSON.stringify(lines.find((l) => !l.ok)));
    const fromJava = lines.filter((l) => /from java/.test(l.greeting ?? "")).length;
    const fromTs = lines.filter((l) => /from ts$/.test(l.greeting ?? "")).length;
    assert.equal(fromJava + fromTs, 400);
    // 400 independent 70/30 picks: the standard deviation is 2.3 points; 10 points is > 4 sigma.
    assert.ok(Math.abs(fromJava / 400 - 0.7) <= 0.1, `java share ${fromJava / 400}`);
  });

  it("our SDK (proxyless) splits the same way", async () => {
    // Its xDS watch may still hold the route of before the VirtualService: wait for a `ts` answer.
    assert.ok(sdk !== undefined, "the SDK consumer of an earlier test");
    const greeter = sdk.client(GreetService, { target: `xds:///${HOST}:50051` });
    await waitFor(
      "the SDK to follow the split",
      async () => (await greeter.greet({ name: "sdk" }, { timeoutMs: 10_000 })).greeting.endsWith("from ts"),
      20_000,
      0,
    );
    let sdkJava = 0;
    for (let i = 0; i < 300; i++) {
      const { greeting } = await greeter.greet({ name: "sdk" }, { timeoutMs: 10_000 });
      if (greeting.startsWith("Hello, sdk from java")) sdkJava++;
      else assert.equal(greeting, "Hello, sdk from ts");
    }
    // 300 picks: sigma 2.6 points; 12 points is > 4.5 sigma.
    assert.ok(Math.abs(sdkJava / 300 - 0.7) <= 0.12, `SDK java share ${sdkJava / 300}`);
  });

  it("stopping the Java provider removes its endpoint; a ZooKeeper outage keeps the last ones", async () => {
    await java?.stop();
    java = undefined;
    await waitFor(
      "only our provider left",
      async () => JSON.stringify(await endpointsIn()) === JSON.stringify([`127.0.0.1:${oursPort}`]),
      30_000,
    );
    const flushes = cp.zookeeper?.flushes ?? 0;
    await zk.kill();
    await waitFor("the sync notices the outage", () => cp.zookeeper?.session.connected === false, 10_000);
    // Well past the debounce and the 5 s session timeout (after which the session is given up).
    await new Promise((r) => setTimeout(r, 6_000));
    assert.deepEqual(await endpointsIn(), [`127.0.0.1:${oursPort}`]);
    assert.equal(cp.zookeeper?.flushes, flushes, "no flush while ZooKeeper is away");
    // Still routable during the outage: the java subset is empty now, so route everything to ours and
    // call through the mesh (grpc-js-xds and our SDK) while ZooKeeper is down.
    await apply(
      "virtualservices",
      "greet",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greet}
spec:
  hosts: [${HOST}]
  http:
  - route:
    - destination: {host: ${HOST}, subset: ts}
`,
    );
    await waitFor("the push", () => cp.ads.isCurrent(), 5000);
    const lines = await greetings(5);
    for (const l of lines) assert.equal(l.greeting, "Hello, mesh from ts", JSON.stringify(l));
  });

  it("our SDK (proxyless) still calls through the mesh while ZooKeeper is down", async () => {
    const greeter = sdk?.client(GreetService, { target: `xds:///${HOST}:50051` });
    assert.ok(greeter !== undefined, "the SDK consumer of an earlier test");
    await waitFor(
      "the SDK to follow the new route",
      async () =>
        (await greeter.greet({ name: "sdk" }, { timeoutMs: 10_000 })).greeting === "Hello, sdk from ts",
      20_000,
      0,
    );
    for (let i = 0; i < 20; i++)
      assert.equal(
        (await greeter.greet({ name: "sdk" }, { timeoutMs: 10_000 })).greeting,
        "Hello, sdk from ts",
      );
  });
});
