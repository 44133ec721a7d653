// The bootstrap of a provider that registers itself over ADS: the adapter's own node, plus what our
// control plane's auto-registration (and Istio's WorkloadGroup auto-registration) reads from node
// metadata: the app and its labels, the namespace, the address (INSTANCE_IPS), the serving port
// (DUBBO_PORTS) and the Dubbo interfaces it provides (DUBBO_SERVICES).
import { type Bootstrap, buildBootstrap } from "@dubbo-mesh/xds";
import type { MeshServing } from "../../mesh-options.js";
import type { XdsCertificateOptions, XdsNodeOptions } from "../xds-mesh.js";

export function registrationBootstrap(
  xdsServer: string,
  node: XdsNodeOptions,
  serving: MeshServing,
  certificates: XdsCertificateOptions = {},
): Bootstrap {
  const namespace = node.namespace ?? serving.namespace;
  return buildBootstrap({
    serverUri: xdsServer,
    ...(node.id === undefined ? {} : { nodeId: node.id }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(node.serviceAccount === undefined ? {} : { serviceAccount: node.serviceAccount }),
    ...(certificates.certificateDir === undefined ? {} : { certificateDir: certificates.certificateDir }),
    ...(certificates.certificateProviders === undefined
      ? {}
      : { certificateProviders: certificates.certificateProviders }),
    app: node.app ?? serving.application,
    labels: { ...serving.labels, ...node.labels },
    podIp: serving.advertiseHost,
    // What the user put in the node metadata wins.
    metadata: {
      DUBBO_APPLICATION: serving.application,
      DUBBO_PORTS: `grpc:${serving.bound.port}`,
      ...(serving.services.length === 0 ? {} : { DUBBO_SERVICES: serving.services.join(",") }),
      ...node.metadata,
    },
  });
}
