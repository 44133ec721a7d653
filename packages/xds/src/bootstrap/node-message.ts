// NodeConfig -> the envoy.config.core.v3.Node sent on the first DiscoveryRequest of a stream.
import { create } from "@bufbuild/protobuf";
import { type Node, NodeSchema } from "../gen/envoy/config/core/v3/base_pb.js";
import type { NodeConfig } from "./types.js";

export interface ClientIdentity {
  /** Default `dubbo-mesh-node`. */
  readonly userAgentName?: string;
  readonly userAgentVersion?: string;
  /**
   * Default `envoy.lb.does_not_support_overprovisioning` (gRPC ignores the overprovisioning factor, and
   * says so as every gRPC client does).
   */
  readonly clientFeatures?: readonly string[];
}

export function nodeMessage(node: NodeConfig, identity: ClientIdentity = {}): Node {
  return create(NodeSchema, {
    id: node.id,
    cluster: node.cluster,
    metadata: { ...node.metadata },
    locality: { region: node.locality.region, zone: node.locality.zone, subZone: node.locality.subZone },
    userAgentName: identity.userAgentName ?? "dubbo-mesh-node",
    userAgentVersionType: { case: "userAgentVersion", value: identity.userAgentVersion ?? "" },
    clientFeatures: [...(identity.clientFeatures ?? ["envoy.lb.does_not_support_overprovisioning"])],
  });
}
