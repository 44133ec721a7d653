// One incremental (delta) ADS stream: subscriptions change by difference, responses carry only the
// resources that changed (each with its content hash as version) and the names that went away.
// Several responses may be in flight; ACKs and NACKs name the one they answer by nonce.
import { create } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import {
  type DeltaDiscoveryRequest,
  type DeltaDiscoveryResponse,
  DeltaDiscoveryResponseSchema,
} from "../envoy/gen.js";
import type { ClientIdentity } from "../registry/node-metadata.js";
import { typeShortName } from "../translate/translator.js";
import { AdsConnection, type AdsHost } from "./ads-connection.js";
import { allRequired, type PushContext, SERVED_TYPE_URLS } from "./push-context.js";
import type { TypeState } from "./type-state.js";

export class DeltaConnection extends AdsConnection {
  /** nonce -> type and change time of responses not yet answered. */
  private readonly outstanding = new Map<string, { typeUrl: string; since?: number }>();

  constructor(id: string, peer: { address: string; port: number }, host: AdsHost) {
    super(id, peer, "delta", host);
  }

  onDeltaRequest(req: DeltaDiscoveryRequest): void {
    if (this.closed) return;
    this.identify(req.node);
    const typeUrl = req.typeUrl;
    if (!SERVED_TYPE_URLS.includes(typeUrl)) return;
    const st = this.state(typeUrl);
    const short = typeShortName(typeUrl);
    if (req.responseNonce !== "") {
      const out = this.outstanding.get(req.responseNonce);
      this.outstanding.delete(req.responseNonce);
      if (req.errorDetail !== undefined) {
        st.nack = {
          version: st.sentVersion ?? "",
          nonce: req.responseNonce,
          message: req.errorDetail.message,
          at: Date.now(),
        };
        st.nacks++;
        this.record({
          type: short,
          event: "nack",
          nonce: req.responseNonce,
          message: req.errorDetail.message,
        });
        this.host.onNack(this, typeUrl, req.errorDetail.message);
      } else if (out !== undefined) {
        st.acked = { version: st.sentVersion ?? "", nonce: req.responseNonce, at: Date.now() };
        st.acks++;
        this.record({ type: short, event: "ack", nonce: req.responseNonce });
        this.host.onAck(this, typeUrl, out.since === undefined ? undefined : performance.now() - out.since);
      }
    }
    const first = !st.requested;
    st.requested = true;
    // What the client already has from an earlier stream: no need to send it again if unchanged.
    for (const [name, version] of Object.entries(req.initialResourceVersions)) st.sent.set(name, version);
    const added: string[] = [];
    for (const n of req.resourceNamesSubscribe) {
      if (n === "*") st.wildcard = true;
      else if (!st.names.has(n)) {
        st.names.add(n);
        added.push(n);
      }
    }
    for (const n of req.resourceNamesUnsubscribe) {
      if (n === "*") st.wildcard = false;
      st.names.delete(n);
      st.sent.delete(n);
    }
    if (first && req.resourceNamesSubscribe.length === 0 && allRequired(typeUrl)) st.wildcard = true;
    if (first || added.length > 0) {
      st.markPending(first || st.wildcard ? "all" : added);
      this.record({ type: short, event: "subscribe", resources: req.resourceNamesSubscribe.length });
      this.wake();
    }
  }

  nextDeltaResponse(): DeltaDiscoveryResponse | undefined {
    const ctx = this.host.context();
    for (const typeUrl of SERVED_TYPE_URLS) {
      const st = this.types.get(typeUrl);
      if (st === undefined || st.pending === undefined || this.node === undefined) continue;
      const res = this.buildDelta(typeUrl, st, ctx, this.node);
      st.pending = undefined;
      if (res !== undefined) return res;
      st.pendingSince = undefined;
    }
    this.drained();
    return undefined;
  }

  private buildDelta(
    typeUrl: string,
    st: TypeState,
    ctx: PushContext,
    node: ClientIdentity,
  ): DeltaDiscoveryResponse | undefined {
    const candidates =
      st.wildcard || st.pending === "all" || st.pending === undefined
        ? st.wildcard
          ? [...new Set([...ctx.wildcardNames(typeUrl), ...st.names])]
          : [...st.names]
        : [...st.pending].filter((n) => st.names.has(n));
    const resources: { name: string; version: string; resource: Any }[] = [];
    const removed: string[] = [];
    for (const n of candidates) {
      const e = ctx.resource(typeUrl, n, node);
      if (e === undefined) {
        if (st.sent.has(n)) {
          removed.push(n);
          st.sent.delete(n);
        }
        continue;
      }
      if (st.sent.get(n) !== e.hash) {
        resources.push({ name: n, version: e.hash, resource: e.any });
        st.sent.set(n, e.hash);
      }
    }
    if (st.wildcard && (st.pending === "all" || st.pending === undefined)) {
      const current = new Set(candidates);
      for (const n of [...st.sent.keys()]) {
        if (!current.has(n)) {
          removed.push(n);
          st.sent.delete(n);
        }
      }
    }
    if (resources.length === 0 && removed.length === 0) return undefined;
    const nonce = this.host.nextNonce();
    this.outstanding.set(nonce, {
      typeUrl,
      ...(st.pendingSince === undefined ? {} : { since: st.pendingSince }),
    });
    if (this.outstanding.size > 64) this.outstanding.delete(this.outstanding.keys().next().value as string);
    st.pendingSince = undefined;
    st.sentNonce = nonce;
    st.sentVersion = ctx.versionInfo;
    st.sentAt = Date.now();
    st.sentCount = resources.length;
    st.responses++;
    this.record({
      type: typeShortName(typeUrl),
      event: "sent",
      version: ctx.versionInfo,
      nonce,
      resources: resources.length,
    });
    this.host.onSent(this, typeUrl, resources.length);
    return create(DeltaDiscoveryResponseSchema, {
      systemVersionInfo: ctx.versionInfo,
      typeUrl,
      nonce,
      resources,
      removedResources: removed,
    });
  }
}
