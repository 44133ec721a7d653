import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { AnySchema, anyPack } from "@bufbuild/protobuf/wkt";
import { ClusterSchema } from "../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ResourceSchema } from "../src/gen/envoy/service/discovery/v3/discovery_pb.js";
import {
  canonicalResourceName,
  canonicalTypeName,
  clusterLoadAssignmentType,
  clusterType,
  decodeResource,
  listenerType,
  parseXdstpName,
  resourceTypeFor,
  resourceTypes,
  routeConfigurationType,
} from "../src/index.js";
import { packAs } from "./fixtures/any.js";
import { endpoints, outboundCluster } from "./fixtures/istio-resources.js";

describe("resource type registry", () => {
  it("knows the v3 type URLs and the Dubbo control plane's aliases", () => {
    assert.equal(resourceTypes.get("type.googleapis.com/envoy.config.listener.v3.Listener"), listenerType);
    assert.equal(resourceTypes.get("type.googleapis.com/listener.v1.Listener"), listenerType);
    assert.equal(
      resourceTypes.get("type.googleapis.com/route.v1.RouteConfiguration"),
      routeConfigurationType,
    );
    assert.equal(resourceTypes.get("type.googleapis.com/cluster.v1.Cluster"), clusterType);
    assert.equal(
      resourceTypes.get("type.googleapis.com/endpoint.v1.ClusterLoadAssignment"),
      clusterLoadAssignmentType,
    );
    assert.equal(resourceTypes.size, 8);
    assert.equal(resourceTypeFor("type.googleapis.com/envoy.config.cluster.v3.Cluster"), clusterType);
    assert.equal(resourceTypeFor("type.googleapis.com/envoy.config.core.v3.Node"), undefined);
    assert.equal(listenerType.allResourcesRequiredInSotW, true);
    assert.equal(clusterType.allResourcesRequiredInSotW, true);
    assert.equal(routeConfigurationType.allResourcesRequiredInSotW, false);
    assert.equal(clusterLoadAssignmentType.allResourcesRequiredInSotW, false);
  });

  it("maps renamed nested types to Envoy's", () => {
    assert.equal(
      canonicalTypeName("type.googleapis.com/extensions.transport_sockets.tls.v1.UpstreamTlsContext"),
      "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
    );
    assert.equal(canonicalTypeName("type.googleapis.com/foo.v1.Bar"), "foo.v1.Bar");
  });
});

describe("decodeResource", () => {
  it("decodes an aliased EDS resource", () => {
    const any = packAs("type.googleapis.com/endpoint.v1.ClusterLoadAssignment", ClusterLoadAssignmentSchema, {
      clusterName: "svc",
    });
    const d = decodeResource(any, {
      expectedTypeUrl: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
    });
    assert.ok(d.ok);
    assert.equal(d.kind, "ClusterLoadAssignment");
    assert.equal(d.name, "svc");
  });

  it("unwraps envoy.service.discovery.v3.Resource and uses its name", () => {
    const wrapped = anyPack(
      ResourceSchema,
      create(ResourceSchema, { name: "outbound|1||x", version: "7", resource: endpoints() }),
    );
    const d = decodeResource(wrapped);
    assert.ok(d.ok);
    assert.equal(d.name, "outbound|1||x");
  });

  it("names the resource when validation fails, for the NACK (A46)", () => {
    const any = packAs("type.googleapis.com/envoy.config.cluster.v3.Cluster", ClusterSchema, {
      name: "broken",
    });
    const d = decodeResource(any);
    assert.equal(d.ok, false);
    assert.equal(d.ok ? "" : d.name, "broken");
    assert.deepEqual(d.ok ? [] : d.errors, [
      'Cluster "broken": type: STATIC is not supported (EDS, LOGICAL_DNS or an aggregate cluster_type)',
    ]);
  });

  it("rejects a resource of another type than the response", () => {
    const d = decodeResource(outboundCluster(), {
      expectedTypeUrl: "type.googleapis.com/envoy.config.listener.v3.Listener",
    });
    assert.deepEqual(d, {
      ok: false,
      kind: "Cluster",
      errors: ["a Cluster in a response for type.googleapis.com/envoy.config.listener.v3.Listener"],
    });
  });

  it("reports undecodable bytes and unknown types", () => {
    const garbage = create(AnySchema, {
      typeUrl: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
      value: new Uint8Array([0x0a, 0xff]),
    });
    const d = decodeResource(garbage);
    assert.equal(d.ok, false);
    assert.match(d.ok ? "" : d.errors[0], /^cannot decode Cluster: /);
    assert.deepEqual(decodeResource(create(AnySchema, { typeUrl: "type.googleapis.com/x.Y" })), {
      ok: false,
      errors: ["unsupported resource type type.googleapis.com/x.Y"],
    });
  });

  it("rejects an xdstp name of another type (A47)", () => {
    const any = packAs(
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
      ClusterLoadAssignmentSchema,
      {
        clusterName: "xdstp://a/envoy.config.cluster.v3.Cluster/svc",
      },
    );
    const d = decodeResource(any);
    assert.equal(d.ok, false);
    assert.match(d.ok ? "" : d.errors[0], /xdstp name is for envoy\.config\.cluster\.v3\.Cluster/);
  });
});

describe("xdstp names (A47)", () => {
  it("parses and canonicalises context parameters", () => {
    const name = "xdstp://mesh.example/envoy.config.listener.v3.Listener/grpc/echo:50051?z=1&a=2";
    assert.deepEqual(parseXdstpName(name), {
      authority: "mesh.example",
      typeName: "envoy.config.listener.v3.Listener",
      id: "grpc/echo:50051",
      contextParams: { z: "1", a: "2" },
    });
    assert.equal(
      canonicalResourceName(name),
      "xdstp://mesh.example/envoy.config.listener.v3.Listener/grpc/echo:50051?a=2&z=1",
    );
    assert.equal(canonicalResourceName("echo:50051"), "echo:50051");
    assert.equal(parseXdstpName("xdstp://authority-only"), undefined);
  });
});
