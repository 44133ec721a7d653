// The SDK's xDS-enabled server (A36) driven by a control plane we did not write: go-control-plane
// (interop/go) serving hand-written inbound Listeners and RouteConfigurations over RDS. The serving
// state follows the Listener (not serving before it and after its deletion, serving again when it
// returns); routes and RBAC filters apply per call; filter chains per connection.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { createApp, type DubboApp, silentLogger, type XdsMeshAdapter, xdsMesh } from "@dubbo-mesh/dubbo";
import { buildBootstrap, closeSharedXdsClients } from "@dubbo-mesh/xds";
import { type GoXdsServer, startGoXdsServer } from "../../../interop/go/xds-server.js";
import { GreetService } from "./support/greet.js";
import { RecordingLogger } from "./support/recording-logger.js";
import { waitUntil } from "./support/wait-until.js";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");

const NODE = "sidecar~127.0.0.13~secure-go.demo~demo.svc.cluster.local";
const IP = "127.0.0.13";
const T = {
  listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  route: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  hcm: "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  rbac: "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC",
  router: "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
} as const;

/** istiod's STRICT mTLS transport socket: certificates from the bootstrap's `default` provider. */
const istioMtls = {
  name: "envoy.transport_sockets.tls",
  typed_config: {
    "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
    common_tls_context: {
      tls_certificate_provider_instance: { instance_name: "default", certificate_name: "default" },
      combined_validation_context: {
        default_validation_context: {
          ca_certificate_provider_instance: { instance_name: "default", certificate_name: "ROOTCA" },
        },
      },
    },
    require_client_certificate: true,
  },
};

/** An inbound Listener for IP:port whose one chain fetches `inbound-routes` over RDS, with a DENY RBAC filter. */
function inboundListener(port: number, match: object = {}, ip = IP, tls = false): object {
  return {
    "@type": T.listener,
    name: `xds.istio.io/grpc/lds/inbound/${ip}:${port}`,
    address: { socket_address: { address: ip, port_value: port } },
    filter_chains: [
      {
        name: tls ? "inbound-mtls" : "inbound-plaintext",
        filter_chain_match: match,
        ...(tls ? { transport_socket: istioMtls } : {}),
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": T.hcm,
              stat_prefix: "inbound",
              rds: { config_source: { ads: {} }, route_config_name: "inbound-routes" },
              http_filters: [
                {
                  name: "envoy.filters.http.rbac.DENY",
                  typed_config: {
                    "@type": T.rbac,
                    rules: {
                      action: "DENY",
                      policies: {
                        "block-header": {
                          permissions: [{ header: { name: "x-block", string_match: { exact: "yes" } } }],
                          principals: [{ any: true }],
                        },
                      },
                    },
                  },
                },
                { name: "envoy.filters.http.router", typed_config: { "@type": T.router } },
              ],
            },
          },
        ],
      },
    ],
  };
}

/** Greet is served here; `extra` prefixes too; everything else matches a forwarding route. */
function inboundRoutes(...extra: string[]): object {
  const local = (prefix: string) => ({ match: { prefix }, non_forwarding_action: {} });
  return {
    "@type": T.route,
    name: "inbound-routes",
    virtual_hosts: [
      {
        name: "inbound",
        domains: ["*"],
        routes: [
          local("/greet.v1.GreetService/Greet"),
          ...extra.map(local),
          { match: { prefix: "/" }, route: { cluster: "somewhere-else" } },
        ],
      },
    ],
  };
}

describe("xDS-enabled SDK server against go-control-plane", { timeout: 240_000 }, () => {
  let server: GoXdsServer;
  let provider: DubboApp;
  let mesh: XdsMeshAdapter;
  let port = 0;
  let client: InstanceType<typeof grpc.Client>;

  const call = (method = "/greet.v1.GreetService/Greet", metadata: Record<string, string> = {}) =>
    new Promise<string>((resolve) => {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      client.makeUnaryRequest(
        method,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        md,
        { deadline: Date.now() + 2000 },
        (err) => resolve(err ? `${grpc.status[err.code]}: ${err.details}` : "ok"),
      );
    });

  before(async () => {
    server = await startGoXdsServer();
    mesh = xdsMesh({ xdsServer: `127.0.0.1:${server.port}`, node: { id: NODE }, logger: silentLogger });
    provider = createApp({
      name: "secure-go",
      namespace: "demo",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: { mode: "proxyless", adapter: mesh },
    });
    provider.serve(GreetService, { greet: (req) => ({ greeting: `hello ${req.name}` }) });
    port = (await provider.start({ host: IP, port: 0 })).port;
    client = new grpc.Client(`${IP}:${port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await provider?.stop({ unregisterWaitMs: 0, drainMs: 100 });
    await closeSharedXdsClients();
    await server?.stop();
  });

  it("does not serve before its Listener arrives: connections are refused", async () => {
    const status = mesh.servingStatus();
    assert.equal(status?.serving, false);
    assert.equal(status?.listener, `xds.istio.io/grpc/lds/inbound/${IP}:${port}`);
    assert.match(await call(), /^UNAVAILABLE/);
  });

  it("serves once the Listener and its RDS route arrive; non-forwarding routes serve, others fail UNAVAILABLE", async () => {
    await server.setSnapshot(NODE, "1", [inboundListener(port), inboundRoutes()]);
    await mesh.whenServing();
    await waitUntil(async () => (await call()) === "ok", "the first call", 15_000, 100);
    assert.equal(
      await call("/grpc.health.v1.Health/Check"),
      "UNAVAILABLE: xDS server: the route matching /grpc.health.v1.Health/Check is not a non-forwarding route (cluster)",
    );
    assert.equal(await call(undefined, { "x-block": "yes" }), "PERMISSION_DENIED: RBAC: access denied");
  });

  it("an RDS-only update applies to the next calls on the same connection", async () => {
    await server.setSnapshot(NODE, "2", [inboundListener(port), inboundRoutes("/grpc.health.v1.Health/")]);
    await waitUntil(
      async () => (await call("/grpc.health.v1.Health/Check")) === "ok",
      "the new route",
      15_000,
      100,
    );
    assert.equal(await call(undefined, { "x-block": "yes" }), "PERMISSION_DENIED: RBAC: access denied");
  });

  it("a connection no filter chain matches is refused (and calls on an existing one fail)", async () => {
    const elsewhere = { source_prefix_ranges: [{ address_prefix: "10.0.0.0", prefix_len: 8 }] };
    await server.setSnapshot(NODE, "3", [inboundListener(port, elsewhere), inboundRoutes()]);
    await waitUntil(async () => (await call()).startsWith("UNAVAILABLE"), "the chain change", 15_000, 100);
    const fresh = new grpc.Client(`${IP}:${port}`, grpc.credentials.createInsecure());
    const result = await new Promise<string>((resolve) =>
      fresh.makeUnaryRequest(
        "/greet.v1.GreetService/Greet",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        new grpc.Metadata(),
        { deadline: Date.now() + 2000 },
        (err) => resolve(err ? grpc.status[err.code] : "ok"),
      ),
    );
    fresh.close();
    assert.ok(result === "UNAVAILABLE" || result === "DEADLINE_EXCEEDED", result);
    assert.equal(mesh.servingStatus()?.serving, true);
  });

  it("the Listener deleted: not serving; back: serving again", async () => {
    await server.setSnapshot(NODE, "4", []);
    await waitUntil(() => mesh.servingStatus()?.serving === false, "not serving", 15_000, 100);
    const status = mesh.servingStatus();
    assert.ok(status !== undefined && !status.serving);
    assert.match(status.reason, /has no Listener xds\.istio\.io\/grpc\/lds\/inbound\//);
    assert.match(await call(), /^UNAVAILABLE/);
    await server.setSnapshot(NODE, "5", [inboundListener(port), inboundRoutes()]);
    await mesh.whenServing();
    await waitUntil(async () => (await call()) === "ok", "serving again", 15_000, 100);
  });

  it("a chain that requires TLS, without its certificate files, refuses connections with a clear log line", async () => {
    const node = "sidecar~127.0.0.14~strict.demo~demo.svc.cluster.local";
    const logger = new RecordingLogger();
    // A bootstrap file's shape, with the certificate provider istiod's listeners name (no registration).
    const strictMesh = xdsMesh({
      bootstrap: buildBootstrap({
        serverUri: `127.0.0.1:${server.port}`,
        nodeId: node,
        certificateDir: "/etc/istio-output-certs",
      }),
      logger,
    });
    const app = createApp({
      name: "strict",
      logger: silentLogger,
      metrics: false,
      tracing: false,
      mesh: { mode: "proxyless", adapter: strictMesh },
    });
    app.serve(GreetService, { greet: () => ({ greeting: "never in plaintext" }) });
    const bound = await app.start({ host: "127.0.0.14", port: 0 });
    const strict = new grpc.Client(`127.0.0.14:${bound.port}`, grpc.credentials.createInsecure());
    try {
      await server.setSnapshot(node, "1", [
        inboundListener(bound.port, {}, "127.0.0.14", true),
        inboundRoutes(),
      ]);
      await strictMesh.whenServing();
      const result = await new Promise<string>((resolve) =>
        strict.makeUnaryRequest(
          "/greet.v1.GreetService/Greet",
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          new grpc.Metadata(),
          { deadline: Date.now() + 2000 },
          (err) => resolve(err ? grpc.status[err.code] : "ok"),
        ),
      );
      assert.ok(result === "UNAVAILABLE" || result === "DEADLINE_EXCEEDED", result);
      const line = logger.at("warn").find((r) => r.message.includes("requires TLS"));
      assert.ok(line, JSON.stringify(logger.records));
      assert.match(
        line.message,
        /filter chain inbound-mtls .* requires TLS and certificate provider "default" has no identity certificate \(.*\/etc\/istio-output-certs\/cert-chain\.pem.*\): refusing its connections/,
      );
    } finally {
      strict.close();
      await app.stop({ unregisterWaitMs: 0, drainMs: 100 });
    }
  });
});
