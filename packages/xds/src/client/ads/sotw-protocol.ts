// State-of-the-world ADS (envoy xds-protocol, gRFC A27/A46/A53): per type one version and one nonce;
// every request carries the full list of names of its type; ACK = the response's version + nonce,
// NACK = the last accepted version + the rejected nonce + error_detail. A NACK still applies the
// valid resources of the response (A46). LDS and CDS responses list every subscribed resource, so a
// cached one that is absent was deleted.
import { create } from "@bufbuild/protobuf";
import { AggregatedDiscoveryService } from "../../gen/envoy/service/discovery/v3/ads_pb.js";
import {
  DiscoveryRequestSchema,
  type DiscoveryResponse,
} from "../../gen/envoy/service/discovery/v3/discovery_pb.js";
import type { Status } from "../../gen/google/rpc/status_pb.js";
import { type AnyResourceType, resourceTypeFor } from "../../resources/registry.js";
import type { AdsProtocol, AdsSession, AdsSessionContext } from "./ads-session.js";
import { decodeReceived } from "./decode-batch.js";
import { nackStatus } from "./nack-status.js";

export class SotwProtocol implements AdsProtocol {
  readonly name = "sotw";
  readonly method = AggregatedDiscoveryService.method.streamAggregatedResources;
  /**
   * Last accepted version per type URL. It outlives streams: a new stream starts with it (and an empty
   * nonce) so that a server can skip resending what the client already has.
   */
  readonly #versions = new Map<string, string>();

  openSession(context: AdsSessionContext): AdsSession {
    return new SotwSession(context, this.#versions);
  }
}

class SotwSession implements AdsSession {
  readonly #ctx: AdsSessionContext;
  readonly #versions: Map<string, string>;
  /** The latest nonce received per type on this stream; always echoed (servers drop stale ones). */
  readonly #nonces = new Map<string, string>();
  /** Types requested on this stream, so that emptying a type still tells the server. */
  readonly #requested = new Set<string>();
  #sentNode = false;

  constructor(ctx: AdsSessionContext, versions: Map<string, string>) {
    this.#ctx = ctx;
    this.#versions = versions;
  }

  start(): void {
    for (const type of this.#ctx.store.types()) {
      if (this.#ctx.store.subscribedNames(type).length > 0) this.#request(type);
    }
  }

  subscriptionsChanged(type: AnyResourceType): void {
    // A type never requested on this stream and now empty needs no request: an empty list on a
    // first request would be a wildcard subscription.
    if (this.#ctx.store.subscribedNames(type).length === 0 && !this.#requested.has(type.typeUrl)) return;
    this.#request(type);
  }

  connected(): void {
    for (const url of this.#requested) {
      const type = this.#ctx.store.typeFor(url);
      if (type !== undefined) this.#ctx.store.requestsSent(type);
    }
  }

  #request(type: AnyResourceType, errorDetail?: Status): void {
    const request = create(DiscoveryRequestSchema, {
      typeUrl: type.typeUrl,
      resourceNames: this.#ctx.store.subscribedNames(type),
      versionInfo: this.#versions.get(type.typeUrl) ?? "",
      responseNonce: this.#nonces.get(type.typeUrl) ?? "",
      ...(this.#sentNode ? {} : { node: this.#ctx.node }),
      ...(errorDetail === undefined ? {} : { errorDetail }),
    });
    this.#sentNode = true;
    this.#requested.add(type.typeUrl);
    this.#ctx.send(request);
    if (this.#ctx.connected()) this.#ctx.store.requestsSent(type);
  }

  onResponse(message: unknown): void {
    const response = message as DiscoveryResponse;
    const known = resourceTypeFor(response.typeUrl);
    const type = known === undefined ? undefined : this.#ctx.store.typeFor(known.typeUrl);
    if (type === undefined) {
      // Not a type we asked for: nothing to apply and no state to ACK against.
      this.#ctx.logger.warn(`ignoring a response for unrequested type ${response.typeUrl}`);
      return;
    }
    this.#nonces.set(type.typeUrl, response.nonce);
    const { accepted, rejected } = decodeReceived(
      response.typeUrl,
      response.resources.map((any) => ({ any, version: response.versionInfo })),
      this.#ctx.validation,
    );
    const reasons = this.#ctx.store.apply(type, {
      accepted,
      rejected,
      removed: [],
      absentMeansDeleted: type.allResourcesRequiredInSotW,
      responseVersion: response.versionInfo,
    });
    if (reasons.length === 0) {
      this.#versions.set(type.typeUrl, response.versionInfo);
      this.#request(type);
      return;
    }
    this.#ctx.logger.warn(
      `NACK ${type.kind} version ${JSON.stringify(response.versionInfo)} nonce ${JSON.stringify(response.nonce)}: ${reasons.join("; ")}`,
    );
    this.#request(type, nackStatus(reasons));
  }
}
