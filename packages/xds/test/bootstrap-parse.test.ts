import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { BootstrapError, bootstrapToJson, parseBootstrap } from "../src/index.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

const minimal = () => ({
  xds_servers: [{ server_uri: "istiod.istio-system.svc:15010", channel_creds: [{ type: "insecure" }] }],
  node: { id: "n1", locality: {} },
});

describe("parseBootstrap: good bootstraps", () => {
  it("reads istio-agent's grpc-bootstrap.json", () => {
    const b = parseBootstrap(fixture("istio-grpc-bootstrap.json"));
    assert.equal(b.xdsServers.length, 1);
    assert.deepEqual(b.xdsServers[0], {
      serverUri: "unix:///etc/istio/proxy/XDS",
      channelCredentials: { type: "insecure" },
      callCredentials: [],
      serverFeatures: ["xds_v3"],
      ignoreResourceDeletion: false,
    });
    assert.equal(b.node.id, "sidecar~10.244.0.17~echo-v1-6d4b9c7f5-x2x9z.default~default.svc.cluster.local");
    assert.deepEqual(b.node.locality, { region: "", zone: "", subZone: "" });
    assert.equal(b.node.metadata.GENERATOR, "grpc");
    assert.deepEqual(b.node.metadata.LABELS, { app: "echo", version: "v1" });
    assert.deepEqual(b.certificateProviders.default, {
      pluginName: "file_watcher",
      certificateFile: "/var/lib/istio/data/cert-chain.pem",
      privateKeyFile: "/var/lib/istio/data/key.pem",
      caCertificateFile: "/var/lib/istio/data/root-cert.pem",
      refreshIntervalMs: 900_000,
    });
    assert.equal(b.serverListenerResourceNameTemplate, "xds.istio.io/grpc/lds/inbound/%s");
    assert.equal(b.clientDefaultListenerResourceNameTemplate, "%s");
    assert.deepEqual(b.authorities, {});
  });

  it("reads a dubbod bootstrap: tls channel creds (A65), jwt call creds (A97), features, authorities", () => {
    const b = parseBootstrap(fixture("dubbod-grpc-bootstrap.json"));
    const s = b.xdsServers[0];
    assert.deepEqual(s.channelCredentials, {
      type: "tls",
      caCertificateFile: "/etc/dubbo/proxy/root-cert.pem",
      certificateFile: "/etc/dubbo/proxy/cert-chain.pem",
      privateKeyFile: "/etc/dubbo/proxy/key.pem",
      refreshIntervalMs: 900_000,
    });
    // The unknown call creds type is ignored, as A97 says.
    assert.deepEqual(s.callCredentials, [
      { type: "jwt_token_file", jwtTokenFile: "/var/run/secrets/tokens/dubbo-token" },
    ]);
    assert.equal(s.ignoreResourceDeletion, true);
    assert.deepEqual(b.node.locality, { region: "us-east1", zone: "us-east1-b", subZone: "rack7" });
    assert.equal(b.node.cluster, "app.default");
    assert.equal(
      b.authorities["mesh.example"].clientListenerResourceNameTemplate,
      "xdstp://mesh.example/envoy.config.listener.v3.Listener/grpc/%s",
    );
    assert.deepEqual(b.authorities["mesh.example"].xdsServers, []);
    // Default template for an authority that names none.
    assert.equal(
      b.authorities["other.example"].clientListenerResourceNameTemplate,
      "xdstp://other.example/envoy.config.listener.v3.Listener/%s",
    );
    assert.equal(b.authorities["other.example"].xdsServers[0].serverUri, "other.example:443");
  });

  it("uses the first supported channel creds type, skipping google_default", () => {
    const json = minimal();
    json.xds_servers[0].channel_creds = [{ type: "google_default" }, { type: "insecure" }, { type: "tls" }];
    assert.deepEqual(parseBootstrap(json).xdsServers[0].channelCredentials, { type: "insecure" });
  });

  it("accepts tls creds without config (system roots) and defaults refresh_interval to 10 minutes", () => {
    const json = minimal();
    json.xds_servers[0].channel_creds = [{ type: "tls" }];
    assert.deepEqual(parseBootstrap(json).xdsServers[0].channelCredentials, {
      type: "tls",
      refreshIntervalMs: 600_000,
    });
  });

  it("tolerates a missing node.locality and a missing node", () => {
    const json: Record<string, unknown> = minimal();
    json.node = { id: "n1" };
    assert.deepEqual(parseBootstrap(JSON.stringify(json)).node.locality, {
      region: "",
      zone: "",
      subZone: "",
    });
    delete json.node;
    assert.equal(parseBootstrap(JSON.stringify(json)).node.id, "");
  });

  it("round-trips through bootstrapToJson", () => {
    const b = parseBootstrap(fixture("dubbod-grpc-bootstrap.json"));
    assert.deepEqual(parseBootstrap(bootstrapToJson(b)), b);
    const istio = parseBootstrap(fixture("istio-grpc-bootstrap.json"));
    assert.deepEqual(parseBootstrap(bootstrapToJson(istio)), istio);
  });
});

describe("parseBootstrap: each bad bootstrap names the wrong field", () => {
  type Json = Record<string, unknown> & ReturnType<typeof minimal>;
  const cases: [string, (j: Json) => unknown, RegExp][] = [
    ["not an object", () => [], /^bootstrap: must be an object$/],
    ["xds_servers missing", (j) => ({ node: j.node }), /^bootstrap: xds_servers: is required/],
    [
      "xds_servers empty",
      (j) => ({ ...j, xds_servers: [] }),
      /^bootstrap: xds_servers: must list at least one server$/,
    ],
    [
      "server_uri empty",
      (j) => ({ ...j, xds_servers: [{ server_uri: "", channel_creds: [{ type: "insecure" }] }] }),
      /^bootstrap: xds_servers\[0\]\.server_uri: must be a non-empty string$/,
    ],
    [
      "server_uri unparsable",
      (j) => ({
        ...j,
        xds_servers: [{ server_uri: "unix://relative", channel_creds: [{ type: "insecure" }] }],
      }),
      /^bootstrap: xds_servers\[0\]\.server_uri: unix:\/\/ needs an absolute path/,
    ],
    [
      "server_uri bad port",
      (j) => ({ ...j, xds_servers: [{ server_uri: "istiod:99999", channel_creds: [{ type: "insecure" }] }] }),
      /^bootstrap: xds_servers\[0\]\.server_uri: "99999" is not a port$/,
    ],
    [
      "channel_creds missing",
      (j) => ({ ...j, xds_servers: [{ server_uri: "a:1" }] }),
      /^bootstrap: xds_servers\[0\]\.channel_creds: is required/,
    ],
    [
      "channel_creds empty",
      (j) => ({ ...j, xds_servers: [{ server_uri: "a:1", channel_creds: [] }] }),
      /^bootstrap: xds_servers\[0\]\.channel_creds: must list at least one credential type$/,
    ],
    [
      "only google_default",
      (j) => ({ ...j, xds_servers: [{ server_uri: "a:1", channel_creds: [{ type: "google_default" }] }] }),
      /^bootstrap: xds_servers\[0\]\.channel_creds: no supported type among google_default \(google_default needs Google Cloud credentials/,
    ],
    [
      "channel creds type not a string",
      (j) => ({ ...j, xds_servers: [{ server_uri: "a:1", channel_creds: [{ type: 7 }] }] }),
      /^bootstrap: xds_servers\[0\]\.channel_creds\[0\]\.type: must be a non-empty string$/,
    ],
    [
      "tls creds with a certificate but no key",
      (j) => ({
        ...j,
        xds_servers: [
          { server_uri: "a:1", channel_creds: [{ type: "tls", config: { certificate_file: "/c.pem" } }] },
        ],
      }),
      /^bootstrap: xds_servers\[0\]\.channel_creds\[0\]\.config: certificate_file and private_key_file must be given together$/,
    ],
    [
      "tls refresh_interval not a duration",
      (j) => ({
        ...j,
        xds_servers: [
          { server_uri: "a:1", channel_creds: [{ type: "tls", config: { refresh_interval: "15m" } }] },
        ],
      }),
      /^bootstrap: xds_servers\[0\]\.channel_creds\[0\]\.config\.refresh_interval: "15m" is not a non-negative duration/,
    ],
    [
      "jwt_token_file without a path",
      (j) => ({
        ...j,
        xds_servers: [
          {
            server_uri: "a:1",
            channel_creds: [{ type: "tls" }],
            call_creds: [{ type: "jwt_token_file", config: {} }],
          },
        ],
      }),
      /^bootstrap: xds_servers\[0\]\.call_creds\[0\]\.config\.jwt_token_file: must be a non-empty string$/,
    ],
    [
      "server_features not strings",
      (j) => ({
        ...j,
        xds_servers: [{ server_uri: "a:1", channel_creds: [{ type: "insecure" }], server_features: [1] }],
      }),
      /^bootstrap: xds_servers\[0\]\.server_features\[0\]: must be a string$/,
    ],
    ["node not an object", (j) => ({ ...j, node: "n1" }), /^bootstrap: node: must be an object$/],
    ["node.id not a string", (j) => ({ ...j, node: { id: 5 } }), /^bootstrap: node\.id: must be a string$/],
    [
      "node.locality.zone not a string",
      (j) => ({ ...j, node: { id: "n", locality: { zone: 1 } } }),
      /^bootstrap: node\.locality\.zone: must be a string$/,
    ],
    [
      "node.metadata not an object",
      (j) => ({ ...j, node: { id: "n", metadata: [] } }),
      /^bootstrap: node\.metadata: must be an object$/,
    ],
    [
      "unknown certificate provider plugin",
      (j) => ({ ...j, certificate_providers: { default: { plugin_name: "spiffe", config: {} } } }),
      /^bootstrap: certificate_providers\["default"\]\.plugin_name: "spiffe" is not supported \(only file_watcher\)$/,
    ],
    [
      "file_watcher with nothing to watch",
      (j) => ({
        ...j,
        certificate_providers: {
          default: { plugin_name: "file_watcher", config: { refresh_interval: "1s" } },
        },
      }),
      /^bootstrap: certificate_providers\["default"\]\.config: needs certificate_file and private_key_file/,
    ],
    [
      "file_watcher without config",
      (j) => ({ ...j, certificate_providers: { default: { plugin_name: "file_watcher" } } }),
      /^bootstrap: certificate_providers\["default"\]\.config: is required/,
    ],
    [
      "authority template outside the authority",
      (j) => ({
        ...j,
        authorities: {
          a: { client_listener_resource_name_template: "xdstp://b/envoy.config.listener.v3.Listener/%s" },
        },
      }),
      /^bootstrap: authorities\["a"\]\.client_listener_resource_name_template: must start with "xdstp:\/\/a\/"$/,
    ],
    [
      "server template not a string",
      (j) => ({ ...j, server_listener_resource_name_template: 3 }),
      /^bootstrap: server_listener_resource_name_template: must be a string$/,
    ],
  ];
  for (const [name, make, expected] of cases) {
    it(name, () => {
      const json = make(minimal() as Json);
      assert.throws(
        () => parseBootstrap(json as Parameters<typeof parseBootstrap>[0]),
        (e: unknown) => e instanceof BootstrapError && expected.test(e.message),
      );
    });
  }

  it("reports invalid JSON text", () => {
    assert.throws(() => parseBootstrap("{"), /^BootstrapError: bootstrap: invalid JSON/);
  });
});
