// The istiod-shaped fixtures are checked against a real peer: @grpc/grpc-js-xds's own resource
// validators must accept them too (so the fixtures are realistic), except where we are deliberately
// more lenient -- istiod < 1.29 sends only the deprecated certificate-provider fields, which
// grpc-js-xds NACKs (istio/istio#58257) and we accept.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, it } from "node:test";
import type { Any } from "@bufbuild/protobuf/wkt";
import { decodeResource, parseBootstrap, validationContextFor } from "../src/index.js";
import {
  endpoints,
  inboundListener,
  outboundCluster,
  outboundListener,
  outboundRoute,
} from "./fixtures/istio-resources.js";

const require = createRequire(import.meta.url);
// grpc-js-xds registers the RBAC filter only behind this flag; set it before loading the package.
process.env.GRPC_XDS_EXPERIMENTAL_RBAC = "true";
require("@grpc/grpc-js-xds").register();

interface PeerType {
  decode(ctx: unknown, any: { type_url: string; value: Buffer }): { name: string; error?: string };
}
const peer = (file: string, cls: string): PeerType =>
  (
    require(`@grpc/grpc-js-xds/build/src/xds-resource-type/${file}.js`) as Record<string, { get(): PeerType }>
  )[cls].get();
const lds = peer("listener-resource-type", "ListenerResourceType");
const rds = peer("route-config-resource-type", "RouteConfigurationResourceType");
const cds = peer("cluster-resource-type", "ClusterResourceType");
const eds = peer("endpoint-resource-type", "EndpointResourceType");

const { validateBootstrapConfig } = require("@grpc/grpc-js-xds/build/src/xds-bootstrap.js") as {
  validateBootstrapConfig(o: unknown): { xdsServers: unknown[] };
};
const bootstrapJson = {
  xds_servers: [{ server_uri: "localhost:15010", channel_creds: [{ type: "insecure" }] }],
  node: { id: "n", locality: {} },
  certificate_providers: {
    default: {
      plugin_name: "file_watcher",
      config: {
        certificate_file: "/c.pem",
        private_key_file: "/k.pem",
        ca_certificate_file: "/ca.pem",
        refresh_interval: "900s",
      },
    },
  },
};
// The same bootstrap feeds both sides.
const bootstrap = validateBootstrapConfig(bootstrapJson);
const context = { server: bootstrap.xdsServers[0], bootstrap };

function peerError(type: PeerType, any: Any): string | undefined {
  return type.decode(context, { type_url: any.typeUrl, value: Buffer.from(any.value) }).error;
}

function oursOk(any: Any): boolean {
  const d = decodeResource(any, { context: validationContextFor(parseBootstrap(bootstrapJson)) });
  if (!d.ok) assert.fail(d.errors.join("\n"));
  return d.ok;
}

describe("istiod fixtures against grpc-js-xds", () => {
  const accepted: [string, PeerType, Any][] = [
    ["outbound listener (HCM + RDS, fault, router)", lds, outboundListener()],
    ["inbound plaintext listener with RBAC", lds, inboundListener(false)],
    ["route configuration", rds, outboundRoute()],
    ["plaintext cluster", cds, outboundCluster()],
    ["ISTIO_MUTUAL cluster, current fields", cds, outboundCluster("current")],
    ["ISTIO_MUTUAL cluster, both fields (istiod >= 1.29)", cds, outboundCluster("both")],
    ["endpoints", eds, endpoints()],
  ];
  for (const [name, type, any] of accepted) {
    it(`both accept the ${name}`, () => {
      assert.equal(peerError(type, any), undefined);
      assert.ok(oursOk(any));
    });
  }

  it("only we accept istiod < 1.29's deprecated certificate-provider fields", () => {
    assert.match(
      peerError(cds, outboundCluster("deprecated")) ?? "",
      /ca_certificate_provider_instance unset/,
    );
    assert.ok(oursOk(outboundCluster("deprecated")));
    assert.match(peerError(lds, inboundListener(true)) ?? "", /tls_certificate_provider_instance/);
    assert.ok(oursOk(inboundListener(true)));
  });
});
