// The SDK's xDS-enabled server (A36) with RBAC (A41) end to end through our own control plane (in
// process): a provider in proxyless mode registers itself over ADS (no hand-written XdsClient), fetches
// its inbound Listener, and enforces Istio AuthorizationPolicies written through the control plane's
// API on calls from our SDK client (xds:/// target), from grpc-js, and from a raw HTTP/2 Triple caller
// bound to another source address. Policies change at runtime; a policy our client must reject is
// NACKed and the last good one stays in force.
import assert from "node:assert/strict";
import http2 from "node:http2";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "@dubbo-mesh/control-plane";
import {
  Code,
  createApp,
  type DubboApp,
  RpcError,
  silentLogger,
  type XdsMeshAdapter,
  xdsMesh,
} from "@dubbo-mesh/dubbo";
import { closeSharedXdsClients } from "@dubbo-mesh/xds";
import { type ApplyResource, resourceApi } from "./support/control-plane-api.js";
import { GreetService } from "./support/greet.js";
import { deadPort } from "./support/ports.js";
import { waitUntil } from "./support/wait-until.js";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");

const TOKEN = "xds-server";
const IP = "127.0.0.12";
const LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";

describe("xDS-enabled SDK server with RBAC, through our control plane", { timeout: 120_000 }, () => {
  let cp: ControlPlane;
  let base: string;
  let cpPort = 0;
  let provider: DubboApp;
  let providerMesh: XdsMeshAdapter;
  let consumer: DubboApp;
  let port = 0;
  let grpcClient: InstanceType<typeof grpc.Client>;

  let apply: ApplyResource;
  const policy = (name: string, yaml: string | undefined) => apply("authorizationpolicies", name, yaml);

  /** The provider's LDS subscription as the control plane sees it. */
  const providerLds = () => {
    for (const c of cp.ads.connections.values()) {
      const lds = c.types.get(LDS);
      if (lds !== undefined && [...lds.names].some((n) => n.endsWith(`/lds/inbound/${IP}:${port}`)))
        return lds;
    }
    return undefined;
  };

  /** A call through the SDK consumer: "ok", or the gRPC code and message it failed with. */
  const sdkCall = async (attachments: Record<string, string> = {}): Promise<string> => {
    const greeter = consumer.client(GreetService, { target: `xds:///secure.demo.svc.cluster.local:${port}` });
    try {
      const r = await greeter.greet({ name: "x" }, { attachments, timeoutMs: 3000 });
      assert.equal(r.greeting, "secure: hello x");
      return "ok";
    } catch (e) {
      if (e instanceof RpcError)
        return `${e.code === Code.PermissionDenied ? "PERMISSION_DENIED" : e.code}: ${e.rawMessage}`;
      throw e;
    }
  };

  /** A call through grpc-js straight to the provider: "ok", or the status code and details. */
  const grpcCall = (method = "/greet.v1.GreetService/Greet", metadata: Record<string, string> = {}) =>
    new Promise<string>((resolve) => {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      grpcClient.makeUnaryRequest(
        method,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        md,
        { deadline: Date.now() + 3000 },
        (err) => resolve(err ? `${grpc.status[err.code]}: ${err.details}` : "ok"),
      );
    });

  before(async () => {
    cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 10, maxMs: 200 } });
    cpPort = (await cp.start()).port;
    base = `http://127.0.0.1:${cpPort}`;
    apply = resourceApi(cp, base, TOKEN);
    providerMesh = xdsMesh({
      xdsServer: `127.0.0.1:${cpPort}`,
      node: { namespace: "demo" },
      logger: silentLogger,
    });
    provider = createApp({
      name: "secure",
      namespace: "demo",
      labels: { version: "v1" },
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: { mode: "proxyless", adapter: providerMesh },
    });
    provider.serve(GreetService, {
      greet: (req) => ({ greeting: `secure: hello ${req.name}` }),
      async *greetServerStream(req) {
        yield { greeting: `secure: ${req.name}` };
      },
    });
    port = (await provider.start({ host: IP, port: 0 })).port;
    await providerMesh.whenServing();
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
    grpcClient = new grpc.Client(`${IP}:${port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    grpcClient?.close();
    await consumer?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await provider?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await closeSharedXdsClients();
    await cp?.close();
  });

  it("serves once its inbound listener arrived, and registered itself over ADS (no XdsClient code)", async () => {
    assert.deepEqual(providerMesh.servingStatus(), {
      serving: true,
      listener: `xds.istio.io/grpc/lds/inbound/${IP}:${port}`,
    });
    await waitUntil(() => providerLds()?.status() === "SYNCED", "the provider's LDS ACK");
    const registered = cp.registry.listInstances("ads").find((i) => i.address === IP);
    assert.ok(registered, "the provider is an auto-registered workload");
    assert.deepEqual(registered.services, ["secure.demo.svc.cluster.local"]);
    assert.deepEqual(
      registered.ports.map((p) => p.port),
      [port],
    );
    assert.equal(registered.labels.app, "secure");
    assert.equal(registered.labels.version, "v1");
    assert.deepEqual(registered.dubboServices, ["greet.v1.GreetService"]);
    // The SDK consumer finds it through xDS (EDS of the auto-registered endpoint) and calls it.
    await waitUntil(async () => (await sdkCall()) === "ok", "a consumer call through xds:///");
    assert.equal(await grpcCall(), "ok");
  });

  it("a DENY policy by header fails matching calls PERMISSION_DENIED for our SDK and grpc-js; removing it applies at once", async () => {
    await policy(
      "deny-header",
      `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-header, namespace: demo}
spec:
  selector:
    matchLabels: {app: secure}
  action: DENY
  rules:
  - to:
    - operation:
        paths: [/greet.v1.GreetService/*]
    when:
    - key: request.headers[x-block]
      values: ["yes"]
`,
    );
    await waitUntil(
      async () => (await grpcCall(undefined, { "x-block": "yes" })) !== "ok",
      "the policy in force",
    );
    assert.equal(await grpcCall(undefined, { "x-block": "yes" }), "PERMISSION_DENIED: RBAC: access denied");
    assert.equal(await sdkCall({ "x-block": "yes" }), "PERMISSION_DENIED: RBAC: access denied");
    assert.equal(await grpcCall(undefined, { "x-block": "no" }), "ok");
    assert.equal(await sdkCall({ "x-block": "no" }), "ok");
    // The same connections, no restart: the policy's removal applies to the next calls.
    await policy("deny-header", undefined);
    await waitUntil(
      async () => (await grpcCall(undefined, { "x-block": "yes" })) === "ok",
      "the policy gone",
    );
    assert.equal(await sdkCall({ "x-block": "yes" }), "ok");
  });

  it("an ALLOW policy by path lets only the listed method through", async () => {
    await policy(
      "allow-greet",
      `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: allow-greet, namespace: demo}
spec:
  selector:
    matchLabels: {app: secure}
  action: ALLOW
  rules:
  - to:
    - operation:
        paths: [/greet.v1.GreetService/Greet]
`,
    );
    const health = "/grpc.health.v1.Health/Check";
    await waitUntil(async () => (await grpcCall(health)) !== "ok", "the ALLOW policy in force");
    assert.equal(await grpcCall(health), "PERMISSION_DENIED: RBAC: access denied");
    assert.equal(
      await grpcCall("/greet.v1.GreetService/GreetServerStream"),
      "PERMISSION_DENIED: RBAC: access denied",
    );
    assert.equal(await grpcCall(), "ok");
    assert.equal(await sdkCall(), "ok");
    await policy("allow-greet", undefined);
    await waitUntil(async () => (await grpcCall(health)) === "ok", "the ALLOW policy gone");
  });

  it("a DENY policy by source address stops one caller and not another (Triple over HTTP/2 from 127.0.0.7)", async () => {
    await policy(
      "deny-source",
      `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-source, namespace: demo}
spec:
  selector:
    matchLabels: {app: secure}
  action: DENY
  rules:
  - from:
    - source:
        ipBlocks: [127.0.0.7/32]
`,
    );
    const fromSeven = () => tripleCall(`http://${IP}:${port}`, "127.0.0.7");
    await waitUntil(async () => (await fromSeven()).status === 403, "the source policy in force");
    const denied = await fromSeven();
    assert.deepEqual(denied, {
      status: 403,
      body: { code: "permission_denied", status: 7, message: "RBAC: access denied" },
    });
    assert.equal((await tripleCall(`http://${IP}:${port}`, "127.0.0.1")).status, 200);
    assert.equal(await grpcCall(), "ok");
    await policy("deny-source", undefined);
    await waitUntil(async () => (await fromSeven()).status === 200, "the source policy gone");
  });

  it("an RBAC our client must reject (a grpc- header matcher) is NACKed, and the last good policy stays", async () => {
    const denyBlock = (extraWhen: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: nack-me, namespace: demo}
spec:
  selector:
    matchLabels: {app: secure}
  action: DENY
  rules:
  - when:
    - key: request.headers[x-block]
      values: ["yes"]${extraWhen}
`;
    await policy("nack-me", denyBlock(""));
    await waitUntil(
      async () => (await grpcCall(undefined, { "x-block": "yes" })) !== "ok",
      "the good policy",
    );
    // A41: matching grpc-* headers is not allowed; the whole Listener update is rejected.
    await policy(
      "nack-me",
      denyBlock('\n    - key: request.headers[grpc-previous-rpc-attempts]\n      values: ["1"]'),
    );
    await waitUntil(() => providerLds()?.status() === "NACKED", "the NACK");
    assert.match(providerLds()?.nack?.message ?? "", /grpc-previous-rpc-attempts/);
    assert.equal(providerMesh.servingStatus()?.serving, true);
    assert.equal(await grpcCall(undefined, { "x-block": "yes" }), "PERMISSION_DENIED: RBAC: access denied");
    assert.equal(await grpcCall(), "ok");
    await policy("nack-me", undefined);
    await waitUntil(() => providerLds()?.status() === "SYNCED", "the ACK after the fix");
    await waitUntil(
      async () => (await grpcCall(undefined, { "x-block": "yes" })) === "ok",
      "the fixed policy",
    );
  });

  it("without its Listener the server does not serve: connections are refused, start() still returns", async () => {
    const mesh = xdsMesh({ xdsServer: `127.0.0.1:${await deadPort()}`, logger: silentLogger });
    const app = createApp({
      name: "lonely",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: { mode: "proxyless", adapter: mesh },
    });
    app.serve(GreetService, { greet: () => ({ greeting: "never" }) });
    const bound = await app.start({ host: IP, port: 0 });
    try {
      assert.equal(mesh.servingStatus()?.serving, false);
      const client = new grpc.Client(`${IP}:${bound.port}`, grpc.credentials.createInsecure());
      const result = await new Promise<string>((resolve) =>
        client.makeUnaryRequest(
          "/greet.v1.GreetService/Greet",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          new grpc.Metadata(),
          { deadline: Date.now() + 1500 },
          (err) => resolve(err ? grpc.status[err.code] : "ok"),
        ),
      );
      client.close();
      assert.ok(result === "UNAVAILABLE" || result === "DEADLINE_EXCEEDED", result);
    } finally {
      await app.stop({ unregisterWaitMs: 0, drainMs: 100 });
    }
  });
});

/** A Triple unary call (JSON over HTTP/2) from a chosen local address. */
async function tripleCall(origin: string, localAddress: string): Promise<{ status: number; body: unknown }> {
  const session = http2.connect(origin, { localAddress } as http2.SecureClientSessionOptions);
  try {
    return await new Promise((resolve, reject) => {
      session.on("error", reject);
      const req = session.request({
        ":method": "POST",
        ":path": "/greet.v1.GreetService/Greet",
        "content-type": "application/json",
      });
      let status = 0;
      let text = "";
      req.setEncoding("utf8");
      req.on("response", (h) => {
        status = Number(h[":status"]);
      });
      req.on("data", (chunk: string) => {
        text += chunk;
      });
      req.on("end", () => resolve({ status, body: text === "" ? undefined : JSON.parse(text) }));
      req.on("error", reject);
      req.end(JSON.stringify({ name: "x" }));
    });
  } finally {
    session.close();
  }
}
