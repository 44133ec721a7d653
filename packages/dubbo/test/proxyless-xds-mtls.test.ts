// xDS security (A29) end to end, both sides in the SDK, through our own control plane (in process),
// with real certificates made by openssl at test time (SPIFFE URI SANs, istio-agent's file layout):
// PeerAuthentication STRICT gives the provider an `inbound-mtls` filter chain, DestinationRule
// ISTIO_MUTUAL gives the consumer's cluster an UpstreamTlsContext with the provider's SPIFFE id as
// SAN matcher. The SDK consumer calls the SDK provider over mTLS; AuthorizationPolicies on principals
// see the client's identity; plaintext clients, clients of another CA and servers with the wrong SAN
// are refused; rotated files reach the next new connection; grpc-js (plain TLS credentials) and
// grpc-js-xds (XdsChannelCredentials) interoperate with the SDK's mTLS server.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import tls from "node:tls";
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
import { certificateProviderStore, closeSharedXdsClients } from "@dubbo-mesh/xds";
import { spawnChild } from "../../control-plane/test/support/children.js";
import { spiffeId, TestPki } from "../../xds/test/support/test-pki.js";
import { type ApplyResource, resourceApi } from "./support/control-plane-api.js";
import { GreetService } from "./support/greet.js";
import { RecordingLogger } from "./support/recording-logger.js";
import { waitUntil } from "./support/wait-until.js";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");

const TOKEN = "xds-mtls";
const IP = "127.0.0.13";
const LIAR_IP = "127.0.0.14";
const LATE_IP = "127.0.0.15";
const NS = "demo";

describe("xDS mTLS (A29) between SDK consumer and SDK provider, through our control plane", {
  timeout: 180_000,
}, () => {
  let pki: TestPki;
  let cp: ControlPlane;
  let cpPort = 0;
  let base: string;
  let provider: DubboApp;
  let providerMesh: XdsMeshAdapter;
  let port = 0;
  const apps: DubboApp[] = [];
  const dirs: Record<string, string> = {};

  let apply: ApplyResource;

  const istioMutual = (host: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${host.split(".")[0]}-mtls, namespace: ${NS}}
spec:
  host: ${host}
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
`;

  /** A consumer app (proxyless) whose workload certificates are in `certificateDir`. */
  function consumer(name: string, certificateDir: string): DubboApp {
    const app = createApp({
      name,
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: {
        mode: "proxyless",
        adapter: xdsMesh({
          xdsServer: `127.0.0.1:${cpPort}`,
          node: { id: `proxyless~127.0.0.9~${name}.${NS}~${NS}.svc.cluster.local`, namespace: NS, app: name },
          certificateDir,
          logger: silentLogger,
          server: false,
        }),
      },
    });
    apps.push(app);
    return app;
  }

  /** A call through an SDK consumer: "ok", or the code and message it failed with. */
  async function sdkCall(app: DubboApp, host = "secure", p = port): Promise<string> {
    const greeter = app.client(GreetService, { target: `xds:///${host}.${NS}.svc.cluster.local:${p}` });
    try {
      const r = await greeter.greet({ name: "x" }, { timeoutMs: 3000 });
      return `ok: ${r.greeting}`;
    } catch (e) {
      if (e instanceof RpcError) return `${codeName(e.code)}: ${e.rawMessage}`;
      throw e;
    }
  }

  /** grpc-js straight to the provider with the given credentials: "ok", or status and details. */
  function grpcCall(
    credentials: import("@grpc/grpc-js").ChannelCredentials,
    address = `${IP}:${port}`,
  ): Promise<string> {
    // A TLS name that is not an IP (SNI must not be one); the server's identity is its SPIFFE id.
    const client = new grpc.Client(address, credentials, {
      "grpc.ssl_target_name_override": `secure.${NS}.svc.cluster.local`,
    });
    return new Promise<string>((resolve) =>
      client.makeUnaryRequest(
        "/greet.v1.GreetService/Greet",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        new grpc.Metadata(),
        { deadline: Date.now() + 3000 },
        (err) => {
          client.close();
          resolve(err ? `${grpc.status[err.code]}: ${err.details}` : "ok");
        },
      ),
    );
  }

  /** grpc-js with a workload's certificate; the server's SPIFFE id has no host name to check. */
  const grpcTls = (dir: string) =>
    grpc.credentials.createSsl(
      Buffer.from(pki.ca.pem),
      Buffer.from(readFile(`${dir}/key.pem`)),
      Buffer.from(readFile(`${dir}/cert-chain.pem`)),
      { checkServerIdentity: () => undefined },
    );

  /** The serial number of the certificate the provider presents to a new TLS connection. */
  function servedSerial(clientDir: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = tls.connect({
        host: IP,
        port,
        ca: pki.ca.pem,
        key: readFile(`${clientDir}/key.pem`),
        cert: readFile(`${clientDir}/cert-chain.pem`),
        ALPNProtocols: ["h2"],
        checkServerIdentity: () => undefined,
      });
      s.once("secureConnect", () => {
        const serial = s.getPeerX509Certificate()?.serialNumber ?? "";
        s.destroy();
        resolve(serial);
      });
      s.once("error", reject);
    });
  }

  before(async () => {
    pki = new TestPki();
    dirs.greeter = pki.writeDir("greeter", pki.workload("greeter", NS));
    dirs.shop = pki.writeDir("shop", pki.workload("shop", NS));
    dirs.intruder = pki.writeDir("intruder", pki.workload("intruder", NS));
    // A client certificate from another CA (the client still trusts the mesh CA).
    dirs.rogue = pki.writeDir("rogue", pki.workload("shop", NS, pki.newCa("rogue")));
    // A server that registers as service account `liar` but holds `mallory`'s certificate.
    dirs.liar = pki.writeDir("liar", pki.workload("mallory", NS));

    cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 10, maxMs: 200 } });
    cpPort = (await cp.start()).port;
    base = `http://127.0.0.1:${cpPort}`;
    apply = resourceApi(cp, base, TOKEN, NS);
    await apply(
      "peerauthentications",
      "strict",
      `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: strict, namespace: ${NS}}
spec:
  mtls: {mode: STRICT}
`,
    );
    await apply("destinationrules", "secure-mtls", istioMutual(`secure.${NS}.svc.cluster.local`));
    await apply("destinationrules", "liar-mtls", istioMutual(`liar.${NS}.svc.cluster.local`));

    providerMesh = xdsMesh({
      xdsServer: `127.0.0.1:${cpPort}`,
      node: { namespace: NS, serviceAccount: "greeter" },
      certificateDir: dirs.greeter,
      logger: silentLogger,
    });
    provider = createApp({
      name: "secure",
      namespace: NS,
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: { mode: "proxyless", adapter: providerMesh },
    });
    provider.serve(GreetService, { greet: (req) => ({ greeting: `secure: hello ${req.name}` }) });
    port = (await provider.start({ host: IP, port: 0 })).port;
    await providerMesh.whenServing();
  });

  after(async () => {
    for (const app of apps) await app.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await provider?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await closeSharedXdsClients();
    await cp?.close();
    pki?.cleanup();
  });

  it("the SDK consumer calls the SDK provider over mTLS (STRICT + ISTIO_MUTUAL); plaintext is refused", async () => {
    const shop = consumer("shop", dirs.shop);
    await waitUntil(
      async () => (await sdkCall(shop)).startsWith("ok"),
      "an mTLS call through xds:///",
      20_000,
    );
    assert.equal(await sdkCall(shop), "ok: secure: hello x");
    // The STRICT server refuses a client without TLS before any HTTP byte.
    assert.match(await grpcCall(grpc.credentials.createInsecure()), /^UNAVAILABLE: /);
  });

  it("AuthorizationPolicy principals see the client's SPIFFE id: one service account allowed, another denied", async () => {
    const shop = consumer("shop", dirs.shop);
    const intruder = consumer("intruder", dirs.intruder);
    await waitUntil(async () => (await sdkCall(intruder)).startsWith("ok"), "the intruder over mTLS", 20_000);
    await apply(
      "authorizationpolicies",
      "only-shop",
      `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: only-shop, namespace: ${NS}}
spec:
  selector:
    matchLabels: {app: secure}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: [cluster.local/ns/${NS}/sa/shop]
`,
    );
    await waitUntil(
      async () => (await sdkCall(intruder)).startsWith("PermissionDenied"),
      "the policy in force",
    );
    assert.equal(await sdkCall(intruder), "PermissionDenied: RBAC: access denied");
    assert.equal(await sdkCall(shop), "ok: secure: hello x");
    // grpc-js with plain TLS credentials and a workload certificate: the same principal rules apply.
    assert.equal(await grpcCall(grpcTls(dirs.shop)), "ok");
    assert.equal(await grpcCall(grpcTls(dirs.intruder)), "PERMISSION_DENIED: RBAC: access denied");
    await apply("authorizationpolicies", "only-shop", undefined);
    await waitUntil(async () => (await sdkCall(intruder)).startsWith("ok"), "the policy gone");
  });

  it("a client certificate from another CA is refused", async () => {
    assert.equal(await grpcCall(grpcTls(dirs.shop)), "ok");
    assert.match(await grpcCall(grpcTls(dirs.rogue)), /^UNAVAILABLE: /);
  });

  it("the consumer refuses a server whose certificate SAN does not match the cluster's SAN matchers", async () => {
    const liarMesh = xdsMesh({
      xdsServer: `127.0.0.1:${cpPort}`,
      node: { namespace: NS, serviceAccount: "liar" },
      certificateDir: dirs.liar,
      logger: silentLogger,
    });
    const liar = createApp({
      name: "liar",
      namespace: NS,
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: { mode: "proxyless", adapter: liarMesh },
    });
    liar.serve(GreetService, { greet: () => ({ greeting: "you should not see this" }) });
    apps.push(liar);
    const liarPort = (await liar.start({ host: LIAR_IP, port: 0 })).port;
    await liarMesh.whenServing();
    const shop = consumer("shop", dirs.shop);
    let last = "";
    await waitUntil(
      async () => {
        last = await sdkCall(shop, "liar", liarPort);
        return last.includes("match_subject_alt_names");
      },
      "the SAN check",
      20_000,
    );
    assert.match(last, /^Unavailable: /);
    assert.ok(
      last.includes(
        `the server certificate has SANs [uri:${spiffeId("mallory", NS)}], none matching match_subject_alt_names [exact "${spiffeId("liar", NS)}"]`,
      ),
      last,
    );
  });

  it("rotated certificate files reach the next new connection, on the server and on the client", async () => {
    const shop = consumer("shop", dirs.shop);
    assert.equal(await sdkCall(shop), "ok: secure: hello x");
    // Server side: the provider presents its new certificate to the next connection.
    const before = await servedSerial(dirs.shop);
    const next = pki.workload("greeter", NS);
    pki.writeDir("greeter", next);
    await certificateProviderStore.refreshAll();
    const after = await servedSerial(dirs.shop);
    assert.notEqual(after, before);
    assert.equal(after, next.serial);
    assert.equal(await sdkCall(shop), "ok: secure: hello x", "the existing connection goes on");

    // Client side: the consumer's files now hold another identity; a policy that only lets `shop` in
    // tells which certificate a connection was made with.
    await apply(
      "authorizationpolicies",
      "only-shop",
      `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: only-shop, namespace: ${NS}}
spec:
  selector:
    matchLabels: {app: secure}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: [cluster.local/ns/${NS}/sa/shop]
`,
    );
    await waitUntil(
      async () => (await grpcCall(grpcTls(dirs.intruder))).startsWith("PERMISSION_DENIED"),
      "the policy",
    );
    const providersInUse = certificateProviderStore.size;
    pki.writeDir("shop", pki.workload("shop-next", NS));
    await certificateProviderStore.refreshAll();
    assert.equal(
      await sdkCall(shop),
      "ok: secure: hello x",
      "the old connection keeps the identity it was made with",
    );
    // A new consumer with the same bootstrap: the same (refreshed) provider, a new connection.
    const fresh = consumer("shop", dirs.shop);
    assert.equal(certificateProviderStore.size, providersInUse, "the provider instance is shared");
    await waitUntil(
      async () => (await sdkCall(fresh)).startsWith("PermissionDenied"),
      "the new identity",
      20_000,
    );
    assert.equal(await sdkCall(fresh), "PermissionDenied: RBAC: access denied");
    await apply("authorizationpolicies", "only-shop", undefined);
    assert.equal(await sdkCall(fresh), "ok: secure: hello x");
  });

  it("a provider whose certificate files are missing refuses TLS connections, says why, and serves once they appear", async () => {
    const logger = new RecordingLogger();
    const lateDir = `${pki.dir}/late-greeter`;
    const lateMesh = xdsMesh({
      xdsServer: `127.0.0.1:${cpPort}`,
      node: { namespace: NS, serviceAccount: "late" },
      certificateDir: lateDir,
      logger,
    });
    const late = createApp({
      name: "late",
      namespace: NS,
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: { mode: "proxyless", adapter: lateMesh },
    });
    late.serve(GreetService, { greet: (req) => ({ greeting: `late: hello ${req.name}` }) });
    apps.push(late);
    const latePort = (await late.start({ host: LATE_IP, port: 0 })).port;
    await lateMesh.whenServing();
    const call = () => grpcCall(grpcTls(dirs.shop), `${LATE_IP}:${latePort}`);
    assert.match(await call(), /^UNAVAILABLE: /);
    const refusal = logger.at("warn").find((r) => r.message.includes("requires TLS"));
    assert.ok(refusal, JSON.stringify(logger.records));
    assert.match(
      refusal.message,
      /filter chain inbound-mtls of Listener .* requires TLS and certificate provider "default" has no identity certificate \(.*late-greeter\/cert-chain\.pem.*\): refusing its connections/,
    );
    pki.writeDir("late-greeter", pki.workload("late", NS));
    // The provider looks for missing files again when a connection needs them (at most once a second).
    await waitUntil(async () => (await call()) === "ok", "the files picked up");
  });

  it("grpc-js-xds with XdsChannelCredentials calls the SDK's mTLS server through our control plane", async () => {
    const clientDir = pki.writeDir("grpc-js-xds", pki.workload("grpc-js-xds", NS));
    const child = spawnChild(new URL("./support/grpc-js-xds-mtls-call.ts", import.meta.url).href, {
      bootstrap: {
        xds_servers: [
          {
            server_uri: `127.0.0.1:${cpPort}`,
            channel_creds: [{ type: "insecure" }],
            server_features: ["xds_v3"],
          },
        ],
        node: {
          id: `sidecar~127.0.0.8~grpc-js-xds.${NS}~${NS}.svc.cluster.local`,
          locality: {},
          metadata: { GENERATOR: "grpc", NAMESPACE: NS },
        },
        certificate_providers: {
          default: {
            plugin_name: "file_watcher",
            config: {
              certificate_file: `${clientDir}/cert-chain.pem`,
              private_key_file: `${clientDir}/key.pem`,
              ca_certificate_file: `${clientDir}/root-cert.pem`,
              refresh_interval: "900s",
            },
          },
        },
      },
      target: `xds:///secure.${NS}.svc.cluster.local:${port}`,
      calls: 3,
    });
    await child.waitFor("done", 60_000);
    const calls = child.lines.filter((l) => l.event === "call");
    assert.deepEqual(
      calls.map((c) => (c.ok === true ? `ok: ${c.greeting}` : `${c.code}: ${c.details}`)),
      ["ok: secure: hello grpc-js-xds", "ok: secure: hello grpc-js-xds", "ok: secure: hello grpc-js-xds"],
    );
  });
});

const readFile = (path: string): string => readFileSync(path, "utf8");

const codeName = (code: number): string =>
  Object.entries(Code).find(([, v]) => v === code)?.[0] ?? String(code);
