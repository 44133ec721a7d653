// The xDS client of a process (gRFC A27): one ADS stream to the bootstrap's first xDS server, shared by
// every watcher, with a cache that watchers read through validated values only.
import type { DescMessage } from "@bufbuild/protobuf";
import { type ClientIdentity, nodeMessage } from "../bootstrap/node-message.js";
import type { Bootstrap, XdsServerConfig } from "../bootstrap/types.js";
import { validationContextFor } from "../bootstrap/validation-context.js";
import type { Node } from "../gen/envoy/config/core/v3/base_pb.js";
import type { ResourceValues } from "../resources/registry.js";
import type { ResourceKind, XdsResourceType } from "../resources/resource-type.js";
import type { AdsProtocol } from "./ads/ads-session.js";
import { AdsStream } from "./ads/ads-stream.js";
import { DeltaProtocol } from "./ads/delta-protocol.js";
import { SotwProtocol } from "./ads/sotw-protocol.js";
import type { BackoffOptions } from "./backoff.js";
import type { ResourceStatus } from "./client-status.js";
import { defaultLogger, type XdsLogger } from "./logger.js";
import { ResourceStore } from "./resource-store.js";
import type { CancelWatch, ResourceWatcher } from "./watcher.js";

export type AdsProtocolName = "sotw" | "delta";

export interface XdsClientOptions {
  readonly bootstrap: Bootstrap;
  /**
   * State of the world (default) or incremental xDS. Default: `delta` when the server's
   * server_features list "delta", else `sotw`.
   */
  readonly protocol?: AdsProtocolName;
  /** gRFC A57 does-not-exist timeout; default 15 000 ms. */
  readonly resourceTimeoutMs?: number;
  /** Reconnect backoff; default 1 s initial, x1.6, +-20 % jitter, 30 s max. */
  readonly backoff?: BackoffOptions;
  /** user_agent_name / version and client_features of the Node message. */
  readonly identity?: ClientIdentity;
  readonly logger?: XdsLogger;
}

/** The xDS server a bootstrap makes the client talk to (the first one; no fallback yet). */
export function serverOf(bootstrap: Bootstrap): XdsServerConfig {
  const server = bootstrap.xdsServers[0];
  if (server === undefined) throw new Error("the bootstrap lists no xds_servers");
  return server;
}

export class XdsClient {
  readonly bootstrap: Bootstrap;
  readonly server: XdsServerConfig;
  readonly protocol: AdsProtocolName;
  /** The Node sent on the first request of each stream (and shown by CSDS). */
  readonly node: Node;
  readonly #store: ResourceStore;
  readonly #stream: AdsStream;
  #closed = false;

  constructor(options: XdsClientOptions) {
    this.bootstrap = options.bootstrap;
    this.server = serverOf(options.bootstrap);
    this.protocol = options.protocol ?? (this.server.serverFeatures.includes("delta") ? "delta" : "sotw");
    this.node = nodeMessage(options.bootstrap.node, options.identity);
    const logger = options.logger ?? defaultLogger;
    this.#store = new ResourceStore({
      resourceTimeoutMs: options.resourceTimeoutMs ?? 15_000,
      ignoreResourceDeletion: this.server.ignoreResourceDeletion,
      logger,
      onSubscriptionsChanged: (type) => this.#stream.subscriptionsChanged(type),
    });
    const protocol: AdsProtocol = this.protocol === "delta" ? new DeltaProtocol() : new SotwProtocol();
    this.#stream = new AdsStream({
      server: this.server,
      protocol,
      store: this.#store,
      node: this.node,
      validation: validationContextFor(options.bootstrap),
      logger,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    });
  }

  /**
   * Watches one resource, named by kind (`"Cluster"`) or by resource type (`clusterType`). The first
   * watch of a name subscribes to it (the stream opens on the first watch of the client); a watcher
   * added later gets the cached value right after this returns. Several watches of one name share
   * the subscription; the last cancel unsubscribes.
   */
  watch<K extends ResourceKind>(
    kind: K,
    name: string,
    watcher: ResourceWatcher<ResourceValues[K]>,
  ): CancelWatch;
  watch<V>(type: XdsResourceType<DescMessage, V>, name: string, watcher: ResourceWatcher<V>): CancelWatch;
  watch(
    kindOrType: ResourceKind | XdsResourceType<DescMessage, unknown>,
    name: string,
    watcher: ResourceWatcher<never>,
  ): CancelWatch {
    if (this.#closed) throw new Error("the xDS client is closed");
    const kind = typeof kindOrType === "string" ? kindOrType : kindOrType.kind;
    return this.#store.watch(kind, name, watcher as ResourceWatcher<unknown>);
  }

  /** Every subscribed resource with its state, version and last error (what CSDS serves). */
  dump(): ResourceStatus[] {
    return this.#store.dump();
  }

  /** ADS streams opened so far; a reconnect opens a new one. */
  get streamsOpened(): number {
    return this.#stream.streamsOpened;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Ends the stream and every timer; watchers hear nothing more. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#store.close();
    await this.#stream.close();
  }
}
