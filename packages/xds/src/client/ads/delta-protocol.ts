// Incremental ADS (envoy xds-protocol "Incremental xDS"): subscriptions travel as differences, every
// resource has its own version, deletions are explicit (removed_resources), and a new stream tells
// the server what it already holds (initial_resource_versions) so that only changes come back.
// ACK = the response nonce; NACK = the nonce + error_detail, the valid resources still applied.
import { create } from "@bufbuild/protobuf";
import { AggregatedDiscoveryService } from "../../gen/envoy/service/discovery/v3/ads_pb.js";
import {
  DeltaDiscoveryRequestSchema,
  type DeltaDiscoveryResponse,
} from "../../gen/envoy/service/discovery/v3/discovery_pb.js";
import type { Status } from "../../gen/google/rpc/status_pb.js";
import { type AnyResourceType, resourceTypeFor } from "../../resources/registry.js";
import type { AdsProtocol, AdsSession, AdsSessionContext } from "./ads-session.js";
import { decodeReceived, type Received } from "./decode-batch.js";
import { nackStatus } from "./nack-status.js";

export class DeltaProtocol implements AdsProtocol {
  readonly name = "delta";
  readonly method = AggregatedDiscoveryService.method.deltaAggregatedResources;

  openSession(context: AdsSessionContext): AdsSession {
    return new DeltaSession(context);
  }
}

class DeltaSession implements AdsSession {
  readonly #ctx: AdsSessionContext;
  /** Names the server has been told about on this stream, per type URL. */
  readonly #told = new Map<string, Set<string>>();
  #sentNode = false;

  constructor(ctx: AdsSessionContext) {
    this.#ctx = ctx;
  }

  start(): void {
    for (const type of this.#ctx.store.types()) {
      const names = this.#ctx.store.subscribedNames(type);
      if (names.length === 0) continue;
      this.#told.set(type.typeUrl, new Set(names));
      this.#send(type, {
        resourceNamesSubscribe: names,
        initialResourceVersions: this.#ctx.store.knownVersions(type),
      });
    }
  }

  subscriptionsChanged(type: AnyResourceType): void {
    const now = this.#ctx.store.subscribedNames(type);
    const told = this.#told.get(type.typeUrl) ?? new Set<string>();
    const subscribe = now.filter((n) => !told.has(n));
    const wanted = new Set(now);
    const unsubscribe = [...told].filter((n) => !wanted.has(n)).sort();
    if (subscribe.length === 0 && unsubscribe.length === 0) return;
    this.#told.set(type.typeUrl, wanted);
    // Not an ACK or NACK: the nonce stays empty, as the protocol asks of delta requests.
    this.#send(type, { resourceNamesSubscribe: subscribe, resourceNamesUnsubscribe: unsubscribe });
  }

  connected(): void {
    for (const url of this.#told.keys()) {
      const type = this.#ctx.store.typeFor(url);
      if (type !== undefined) this.#ctx.store.requestsSent(type);
    }
  }

  #send(
    type: AnyResourceType,
    fields: {
      resourceNamesSubscribe?: string[];
      resourceNamesUnsubscribe?: string[];
      initialResourceVersions?: Record<string, string>;
      responseNonce?: string;
      errorDetail?: Status;
    },
  ): void {
    const request = create(DeltaDiscoveryRequestSchema, {
      typeUrl: type.typeUrl,
      ...fields,
      ...(this.#sentNode ? {} : { node: this.#ctx.node }),
    });
    this.#sentNode = true;
    this.#ctx.send(request);
    if (this.#ctx.connected() && (fields.resourceNamesSubscribe?.length ?? 0) > 0)
      this.#ctx.store.requestsSent(type);
  }

  onResponse(message: unknown): void {
    const response = message as DeltaDiscoveryResponse;
    const known = resourceTypeFor(response.typeUrl);
    const type = known === undefined ? undefined : this.#ctx.store.typeFor(known.typeUrl);
    if (type === undefined) {
      this.#ctx.logger.warn(`ignoring a delta response for unrequested type ${response.typeUrl}`);
      return;
    }
    const received: Received[] = [];
    for (const r of response.resources) {
      // A Resource without a body only refreshes a TTL; there is nothing to apply.
      if (r.resource === undefined) continue;
      received.push({ any: r.resource, version: r.version, name: r.name });
    }
    const { accepted, rejected } = decodeReceived(response.typeUrl, received, this.#ctx.validation);
    const removed = [...response.removedResources, ...response.removedResourceNames.map((n) => n.name)];
    const reasons = this.#ctx.store.apply(type, {
      accepted,
      rejected,
      removed,
      absentMeansDeleted: false,
      responseVersion: response.systemVersionInfo,
    });
    if (reasons.length === 0) {
      this.#send(type, { responseNonce: response.nonce });
      return;
    }
    this.#ctx.logger.warn(
      `NACK ${type.kind} delta nonce ${JSON.stringify(response.nonce)}: ${reasons.join("; ")}`,
    );
    this.#send(type, { responseNonce: response.nonce, errorDetail: nackStatus(reasons) });
  }
}
