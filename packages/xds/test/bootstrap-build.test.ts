import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import {
  BootstrapError,
  bootstrapToJson,
  buildBootstrap,
  clientListenerName,
  nodeMessage,
  parseBootstrap,
  serverListenerName,
} from "../src/index.js";

// grpc-js-xds's own bootstrap validator is the peer our output must satisfy.
const require = createRequire(import.meta.url);
const grpcJsXdsBootstrap = require("@grpc/grpc-js-xds/build/src/xds-bootstrap.js") as {
  validateBootstrapConfig(obj: unknown): { node: { id: string; locality: object } };
};

const env = { POD_NAME: "echo-7d9f-abcde", POD_NAMESPACE: "demo", INSTANCE_IP: "10.1.2.3" };

describe("buildBootstrap", () => {
  it("gives istio-compatible defaults", () => {
    const b = buildBootstrap({ serverUri: "istiod.istio-system.svc:15010", app: "echo", version: "v1", env });
    assert.equal(b.node.id, "sidecar~10.1.2.3~echo-7d9f-abcde.demo~demo.svc.cluster.local");
    assert.equal(b.node.cluster, "echo.demo");
    assert.deepEqual(b.node.locality, { region: "", zone: "", subZone: "" });
    assert.deepEqual(b.node.metadata, {
      GENERATOR: "grpc",
      NAMESPACE: "demo",
      INSTANCE_IPS: "10.1.2.3",
      NAME: "echo-7d9f-abcde",
      CLUSTER_ID: "Kubernetes",
      LABELS: { app: "echo", version: "v1" },
    });
    assert.deepEqual(b.xdsServers[0], {
      serverUri: "istiod.istio-system.svc:15010",
      channelCredentials: { type: "insecure" },
      callCredentials: [],
      serverFeatures: ["xds_v3"],
      ignoreResourceDeletion: false,
    });
    assert.equal(b.serverListenerResourceNameTemplate, "xds.istio.io/grpc/lds/inbound/%s");
    assert.deepEqual(b.certificateProviders, {});
  });

  it("is the same object parseBootstrap gives for its JSON", () => {
    const b = buildBootstrap({ serverUri: "x:1", env, certificateDir: "/var/lib/istio/data/" });
    assert.deepEqual(parseBootstrap(JSON.stringify(bootstrapToJson(b))), b);
  });

  it("writes JSON that grpc-js-xds accepts, locality included", () => {
    const b = buildBootstrap({ serverUri: "localhost:15010", env });
    const info = grpcJsXdsBootstrap.validateBootstrapConfig(bootstrapToJson(b));
    assert.equal(info.node.id, b.node.id);
    assert.deepEqual(info.node.locality, { region: "", zone: "", sub_zone: "" });
  });

  it("connects straight to istiod: tls + jwt, certificates from a directory", () => {
    const b = buildBootstrap({
      serverUri: "istiod.istio-system.svc:15012",
      channelCredentials: {
        type: "tls",
        caCertificateFile: "/var/run/secrets/istio/root-cert.pem",
        refreshIntervalMs: 60_000,
      },
      jwtTokenFile: "/var/run/secrets/tokens/istio-token",
      ignoreResourceDeletion: true,
      certificateDir: "/etc/certs",
      labels: { team: "a" },
      serviceAccount: "echo",
      locality: { region: "r1" },
      metadata: { CLUSTER_ID: "east" },
      env,
    });
    const s = b.xdsServers[0];
    assert.deepEqual(s.callCredentials, [
      { type: "jwt_token_file", jwtTokenFile: "/var/run/secrets/tokens/istio-token" },
    ]);
    assert.deepEqual(s.serverFeatures, ["xds_v3", "ignore_resource_deletion"]);
    assert.equal(s.ignoreResourceDeletion, true);
    assert.deepEqual(b.certificateProviders.default, {
      pluginName: "file_watcher",
      certificateFile: "/etc/certs/cert-chain.pem",
      privateKeyFile: "/etc/certs/key.pem",
      caCertificateFile: "/etc/certs/root-cert.pem",
      refreshIntervalMs: 900_000,
    });
    assert.equal(b.node.metadata.CLUSTER_ID, "east");
    assert.equal(b.node.metadata.SERVICE_ACCOUNT, "echo");
    assert.deepEqual(b.node.metadata.LABELS, { team: "a" });
    assert.deepEqual(b.node.locality, { region: "r1", zone: "", subZone: "" });
  });

  it("builds dubbod-style node ids and templates", () => {
    const b = buildBootstrap({
      serverUri: "dns:///dubbod.dubbo-system.svc:26012",
      nodeType: "proxyless",
      serverListenerResourceNameTemplate: "xds.dubbo.apache.org/grpc/lds/inbound/%s",
      env,
    });
    assert.equal(b.node.id, "proxyless~10.1.2.3~echo-7d9f-abcde.demo~demo.svc.cluster.local");
    assert.equal(
      serverListenerName(b, "10.1.2.3:50051"),
      "xds.dubbo.apache.org/grpc/lds/inbound/10.1.2.3:50051",
    );
  });

  it("validates options like a file", () => {
    assert.throws(() => buildBootstrap({ serverUri: "", env }), BootstrapError);
    assert.throws(
      () => buildBootstrap({ serverUri: "a:1", jwtTokenFile: "", env }),
      /xds_servers\[0\]\.call_creds\[0\]\.config\.jwt_token_file: must be a non-empty string/,
    );
  });
});

describe("listener names and the Node message", () => {
  const b = parseBootstrap({
    xds_servers: [{ server_uri: "a:1", channel_creds: [{ type: "insecure" }] }],
    node: { id: "n", metadata: { GENERATOR: "grpc" }, locality: { zone: "z" } },
    authorities: { "mesh.example": {} },
  });

  it("names client listeners from the templates (A47)", () => {
    assert.equal(clientListenerName(b, { path: "echo:50051" }), "echo:50051");
    assert.equal(
      clientListenerName(b, { authority: "mesh.example", path: "echo svc:50051/x?y" }),
      "xdstp://mesh.example/envoy.config.listener.v3.Listener/echo%20svc:50051/x%3Fy",
    );
    assert.equal(clientListenerName(b, { authority: "unknown", path: "echo:50051" }), undefined);
    assert.equal(serverListenerName(b, "1.2.3.4:5"), undefined);
  });

  it("builds the Node of the first DiscoveryRequest", () => {
    const node = nodeMessage(b.node, { userAgentVersion: "0.1.0" });
    assert.equal(node.id, "n");
    assert.deepEqual(node.metadata, { GENERATOR: "grpc" });
    assert.equal(node.locality?.zone, "z");
    assert.equal(node.userAgentName, "dubbo-mesh-node");
    assert.deepEqual(node.userAgentVersionType, { case: "userAgentVersion", value: "0.1.0" });
    assert.deepEqual(node.clientFeatures, ["envoy.lb.does_not_support_overprovisioning"]);
  });
});
