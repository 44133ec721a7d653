// The go-control-plane xDS server (interop/go, built and run by its helper) behind the ControlPlane
// interface: the control plane we did not write.
import type { JsonObject } from "@bufbuild/protobuf";
import { startGoXdsServer, type XdsRequestRecord } from "../../../../../interop/go/xds-server.js";
import type { ControlPlane, SeenRequest } from "./control-plane.js";

function seen(r: XdsRequestRecord): SeenRequest {
  const common = {
    stream: r.streamId,
    typeUrl: r.typeUrl,
    responseNonce: r.responseNonce,
    node: r.node !== null,
    ...(r.errorDetail === null ? {} : { errorDetail: r.errorDetail }),
  };
  if (r.stream === "sotw") {
    return {
      ...common,
      versionInfo: r.versionInfo,
      resourceNames: r.resourceNames ?? [],
      subscribe: [],
      unsubscribe: [],
      initialResourceVersions: {},
    };
  }
  return {
    ...common,
    versionInfo: "",
    resourceNames: [],
    subscribe: r.subscribe ?? [],
    unsubscribe: r.unsubscribe ?? [],
    initialResourceVersions: r.initialResourceVersions ?? {},
  };
}

export async function startGoControlPlane(): Promise<ControlPlane> {
  const server = await startGoXdsServer();
  return {
    name: "go-control-plane",
    port: server.port,
    // Not in ADS-consistent mode: the cache answers with the subset of the names it has.
    sendsPartialSotwResponses: true,
    setSnapshot: (node, version, resources: readonly JsonObject[]) =>
      server.setSnapshot(node, version, [...resources]),
    requests: async (node) => (await server.requests(node)).map(seen),
    connections: () => server.connections(),
    stop: () => server.stop(),
    restart: () => server.restart(),
  };
}
