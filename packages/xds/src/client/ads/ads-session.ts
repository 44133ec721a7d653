// What the stream loop needs from a protocol (state of the world or delta): a session per ADS stream
// that builds the requests and digests the responses. Sessions share the ResourceStore, which holds
// everything that must outlive a stream (cached resources, accepted versions).
import type { DescMethod } from "@bufbuild/protobuf";
import type { Node } from "../../gen/envoy/config/core/v3/base_pb.js";
import type { AnyResourceType } from "../../resources/registry.js";
import type { ValidationContext } from "../../resources/resource-type.js";
import type { XdsLogger } from "../logger.js";
import type { ResourceStore } from "../resource-store.js";

export interface AdsSessionContext {
  readonly store: ResourceStore;
  /** Sent on the first request of every stream, and only there. */
  readonly node: Node;
  readonly validation: ValidationContext;
  readonly logger: XdsLogger;
  /** Queues a request on this stream. */
  send(request: unknown): void;
  /** True once the connection under this stream is up. */
  connected(): boolean;
}

export interface AdsSession {
  /** Sends the initial requests: every type with subscriptions (and, for SotW, the last versions). */
  start(): void;
  onResponse(response: unknown): void;
  /** The names subscribed for `type` changed. */
  subscriptionsChanged(type: AnyResourceType): void;
  /** The connection came up after start(): requests already queued count as sent from now on. */
  connected(): void;
}

export interface AdsProtocol {
  readonly name: "sotw" | "delta";
  /** The bidi method of envoy.service.discovery.v3.AggregatedDiscoveryService this protocol uses. */
  readonly method: DescMethod;
  openSession(context: AdsSessionContext): AdsSession;
}
