// Proxyless mode end to end against our own control plane (in process): greeters of ours registered
// with WorkloadEntry YAML through the control plane's API, Istio VirtualServices and DestinationRules
// in, xDS out, and SDK clients with `xds:///` targets (or `providedBy`) following it call by call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "@dubbo-mesh/control-plane";
import { Code, createApp, type DubboApp, RpcError, silentLogger, xdsMesh } from "@dubbo-mesh/dubbo";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { type ApplyResource, resourceApi } from "./support/control-plane-api.js";
import { GreetService } from "./support/greet.js";
import { type MeshGreeter, startMeshGreeter } from "./support/mesh-greeters.js";
import { deadPort } from "./support/ports.js";
import { countBy, servedBy } from "./support/providers.js";
import { waitUntil } from "./support/wait-until.js";

const TOKEN = "proxyless";

describe("proxyless SDK against our control plane", { timeout: 120_000 }, () => {
  let cp: ControlPlane;
  let base: string;
  let consumer: DubboApp;
  const greeters: MeshGreeter[] = [];
  let port = 0;
  let flakyPort = 0;

  let apply: ApplyResource;

  const workloadEntry = (name: string, address: string, labels: Record<string, string>, p: number) =>
    `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: ${name}}
spec:
  address: ${address}
  labels: ${JSON.stringify(labels)}
  ports: {grpc: ${p}}
`;

  before(async () => {
    cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 20, maxMs: 500 } });
    const cpPort = (await cp.start()).port;
    base = `http://127.0.0.1:${cpPort}`;
    apply = resourceApi(cp, base, TOKEN);
    // greeter v1 and v2: the same port on two loopback addresses, as two pods.
    greeters.push(await startMeshGreeter("v1", "127.0.0.2"));
    port = greeters[0].port;
    greeters.push(await startMeshGreeter("v2", "127.0.0.3", port));
    // flaky: one live greeter and one address where nothing listens (connections refused).
    flakyPort = await deadPort();
    greeters.push(await startMeshGreeter("flaky-ok", "127.0.0.4", flakyPort));
    await apply(
      "workloadentries",
      "greeter-v1",
      workloadEntry("greeter-v1", "127.0.0.2", { app: "greeter", version: "v1" }, port),
    );
    await apply(
      "workloadentries",
      "greeter-v2",
      workloadEntry("greeter-v2", "127.0.0.3", { app: "greeter", version: "v2" }, port),
    );
    await apply(
      "workloadentries",
      "flaky-ok",
      workloadEntry("flaky-ok", "127.0.0.4", { app: "flaky" }, flakyPort),
    );
    await apply(
      "workloadentries",
      "flaky-dead",
      workloadEntry("flaky-dead", "127.0.0.5", { app: "flaky" }, flakyPort),
    );
    await apply(
      "destinationrules",
      "greeter",
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: greeter}\nspec:\n  host: greeter\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n",
    );
    consumer = createApp({
      name: "shop",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: {
        mode: "proxyless",
        adapter: xdsMesh({
          xdsServer: `127.0.0.1:${cpPort}`,
          node: {
            id: "proxyless~127.0.0.9~shop.demo~demo.svc.cluster.local",
            namespace: "demo",
            app: "shop",
          },
          logger: silentLogger,
        }),
      },
    });
  });

  after(async () => {
    await consumer?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await closeSharedXdsClients();
    await Promise.all(greeters.map((g) => g.app.stop({ unregisterWaitMs: 0, drainMs: 100 })));
    await cp?.close();
  });

  const host = () => `greeter.demo.svc.cluster.local:${port}`;

  it("splits 1000 calls 80/20 between two subsets (v1 share within 0.8 +- 0.06)", async () => {
    await apply(
      "virtualservices",
      "greeter",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - route:
    - destination: {host: greeter, subset: v1}
      weight: 80
    - destination: {host: greeter, subset: v2}
      weight: 20
`,
    );
    const greeter = consumer.client(GreetService, { target: `xds:///${host()}` });
    // The first calls may precede the new route: wait until v2 answers at all.
    await waitUntil(async () => servedBy((await greeter.greet({ name: "probe" })).greeting) === "v2", "v2");
    const ids: string[] = [];
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => greeter.greet({ name: "x" })));
      for (const r of batch) ids.push(servedBy(r.greeting));
    }
    const counts = countBy(ids);
    const v1 = (counts.v1 ?? 0) / ids.length;
    assert.equal((counts.v1 ?? 0) + (counts.v2 ?? 0), 1000, JSON.stringify(counts));
    // sd of the share over 1000 calls is 0.0126: 0.06 is 4.7 sd, a false failure about 1 in 400,000.
    assert.ok(Math.abs(v1 - 0.8) <= 0.06, `v1 share ${v1}`);
  });

  it("routes on a request header (attachment), through providedBy", async () => {
    await apply(
      "virtualservices",
      "greeter",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - match:
    - headers:
        x-canary: {exact: "true"}
    route:
    - destination: {host: greeter, subset: v2}
  - route:
    - destination: {host: greeter, subset: v1}
`,
    );
    const greeter = consumer.client(GreetService, { providedBy: host() });
    await waitUntil(
      async () =>
        servedBy((await greeter.greet({ name: "x" }, { attachments: { "x-canary": "true" } })).greeting) ===
        "v2",
      "the header route",
    );
    for (let i = 0; i < 40; i++) {
      const canary = i % 2 === 0;
      const r = await greeter.greet({ name: "x" }, canary ? { attachments: { "x-canary": "true" } } : {});
      assert.equal(servedBy(r.greeting), canary ? "v2" : "v1");
    }
  });

  it("injects a fault abort on matching calls only", async () => {
    await apply(
      "virtualservices",
      "greeter",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - match:
    - headers:
        x-fault: {exact: abort}
    fault:
      abort:
        grpcStatus: PERMISSION_DENIED
        percentage: {value: 100}
    route:
    - destination: {host: greeter}
  - route:
    - destination: {host: greeter}
`,
    );
    const greeter = consumer.client(GreetService, { target: `xds:///${host()}` });
    const aborted = async () => {
      try {
        await greeter.greet({ name: "x" }, { attachments: { "x-fault": "abort" } });
        return false;
      } catch (e) {
        return e instanceof RpcError && e.code === Code.PermissionDenied;
      }
    };
    await waitUntil(aborted, "the fault route");
    for (let i = 0; i < 20; i++) {
      assert.equal(await aborted(), true);
      const r = await greeter.greet({ name: "x" });
      assert.match(r.greeting, /^v[12]: hello x$/);
    }
  });

  it("injects delays (the caller's deadline ends them) and aborts a percentage of calls", async () => {
    await apply(
      "virtualservices",
      "greeter",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - match:
    - headers:
        x-fault: {exact: delay}
    fault:
      delay:
        fixedDelay: 5s
        percentage: {value: 100}
    route:
    - destination: {host: greeter}
  - match:
    - headers:
        x-fault: {exact: half}
    fault:
      abort:
        grpcStatus: RESOURCE_EXHAUSTED
        percentage: {value: 50}
    route:
    - destination: {host: greeter}
  - route:
    - destination: {host: greeter}
`,
    );
    const greeter = consumer.client(GreetService, { target: `xds:///${host()}` });
    const delayed = async () => {
      try {
        await greeter.greet({ name: "x" }, { attachments: { "x-fault": "delay" }, timeoutMs: 100 });
        return false;
      } catch (e) {
        return e instanceof RpcError && e.code === Code.DeadlineExceeded && /injected delay/.test(e.message);
      }
    };
    await waitUntil(delayed, "the delay route");
    let aborted = 0;
    let ok = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 400 }, () => greeter.greet({ name: "x" }, { attachments: { "x-fault": "half" } })),
    );
    for (const r of results) {
      if (r.status === "fulfilled") ok++;
      else if (r.reason instanceof RpcError && r.reason.code === Code.ResourceExhausted) aborted++;
    }
    assert.equal(ok + aborted, 400);
    // sd of the share over 400 calls is 0.025: 0.1 is 4 sd.
    assert.ok(Math.abs(aborted / 400 - 0.5) <= 0.1, `aborted ${aborted} of 400`);
  });

  it("retries hide a dead endpoint (0 failures in 100 calls); without retries calls fail", async () => {
    const vs = (attempts: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: flaky}
spec:
  hosts: [flaky]
  http:
  - route:
    - destination: {host: flaky}
    retries: {attempts: ${attempts}, retryOn: unavailable}
`;
    const target = `xds:///flaky.demo.svc.cluster.local:${flakyPort}`;
    await apply("virtualservices", "flaky", vs(0));
    const plain = consumer.client(GreetService, { target });
    let failed = 0;
    for (let i = 0; i < 20; i++) {
      try {
        await plain.greet({ name: "x" });
      } catch (e) {
        assert.ok(e instanceof RpcError && e.code === Code.Unavailable, String(e));
        failed++;
      }
    }
    assert.ok(failed >= 1, "without retries the dead endpoint fails some calls");
    await apply("virtualservices", "flaky", vs(3));
    // A fresh reference: the dead endpoint has no history here, so only retries can hide it.
    const fresh = createApp({
      name: "shop2",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: {
        mode: "proxyless",
        adapter: xdsMesh({
          xdsServer: base.replace("http://", ""),
          node: { id: "proxyless~127.0.0.9~shop2.demo~demo.svc.cluster.local", namespace: "demo" },
          logger: silentLogger,
        }),
      },
    });
    try {
      const flaky = fresh.client(GreetService, { target });
      const results = await Promise.allSettled(Array.from({ length: 100 }, () => flaky.greet({ name: "x" })));
      const errors = results.filter((r) => r.status === "rejected");
      assert.deepEqual(errors, []);
    } finally {
      await fresh.stop({ unregisterWaitMs: 0, drainMs: 100 });
    }
  });
});
