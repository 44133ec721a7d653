// Checks produced resources against two validators we did not write for this package: the
// @dubbo-mesh/xds resource types (what our SDK will accept) and @grpc/grpc-js-xds's own resource
// decoders (what a real gRPC client accepts).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import type { Message } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { decodeResource, type ResourceKind, type ResourceValues, resourceTypeFor } from "@dubbo-mesh/xds";

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
const peers: Record<string, PeerType> = {
  Listener: peer("listener-resource-type", "ListenerResourceType"),
  RouteConfiguration: peer("route-config-resource-type", "RouteConfigurationResourceType"),
  Cluster: peer("cluster-resource-type", "ClusterResourceType"),
  ClusterLoadAssignment: peer("endpoint-resource-type", "EndpointResourceType"),
};
const { validateBootstrapConfig } = require("@grpc/grpc-js-xds/build/src/xds-bootstrap.js") as {
  validateBootstrapConfig(o: unknown): { xdsServers: unknown[] };
};
const bootstrap = validateBootstrapConfig({
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
});
const context = { server: bootstrap.xdsServers[0], bootstrap };

/** Both validators must accept the resource; returns our validated value. */
export function validated<K extends ResourceKind>(message: Message | undefined, kind: K): ResourceValues[K] {
  assert.ok(message !== undefined, `expected a ${kind}`);
  const schemaName = message.$typeName;
  const type = resourceTypeFor(`type.googleapis.com/${schemaName}`);
  assert.ok(type !== undefined, `no resource type for ${schemaName}`);
  const any = anyPack(type.schema, message as never);
  const ours = decodeResource(any);
  if (!ours.ok) assert.fail(`@dubbo-mesh/xds rejects it:\n${ours.errors.join("\n")}`);
  assert.equal(ours.kind, kind);
  const theirs = peers[kind].decode(context, { type_url: any.typeUrl, value: Buffer.from(any.value) });
  assert.equal(theirs.error, undefined, `grpc-js-xds rejects it: ${theirs.error}`);
  return ours.value as ResourceValues[K];
}
