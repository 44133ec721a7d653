// One ADS stream (state of the world). Requests update subscriptions and record ACKs and NACKs;
// pushes only mark what may have changed; the stream's send loop turns marks into responses against
// the current push context, comparing content hashes so a client gets only resources that changed
// (for LDS and CDS the whole subscribed set, as SotW requires, but only when something in it did).
import { create } from "@bufbuild/protobuf";
import { type DiscoveryRequest, type DiscoveryResponse, DiscoveryResponseSchema } from "../envoy/gen.js";
import type { Registration } from "../registry/auto-registration.js";
import { candidateHosts } from "../registry/host-names.js";
import { type ClientIdentity, clientIdentity, type JsonObject } from "../registry/node-metadata.js";
import { parseAuthority, parseClusterName } from "../translate/names.js";
import { TypeUrl, typeShortName } from "../translate/translator.js";
import { allRequired, type PushContext, type ResourceEntry, SERVED_TYPE_URLS } from "./push-context.js";
import type { PushRequest } from "./push-request.js";
import type { PushScope } from "./push-scope.js";
import { TypeState } from "./type-state.js";

/** What a connection needs from its server. */
export interface AdsHost {
  context(): PushContext;
  nextNonce(): string;
  register(node: ClientIdentity): Registration | undefined;
  onSent(conn: AdsConnection, typeUrl: string, resources: number): void;
  onAck(conn: AdsConnection, typeUrl: string, convergenceMs: number | undefined): void;
  onNack(conn: AdsConnection, typeUrl: string, message: string): void;
  /** The connection has nothing left to send for push `version`. */
  onDrained(conn: AdsConnection, version: number): void;
}

export interface HistoryEvent {
  readonly at: number;
  readonly type: string;
  readonly event: "sent" | "ack" | "nack" | "stale-nonce" | "subscribe";
  readonly version?: string;
  readonly nonce?: string;
  readonly resources?: number;
  readonly message?: string;
}

/** Whether a subscribed name can be affected by a push scoped to some hosts. */
function nameInScope(typeUrl: string, name: string, node: ClientIdentity, scope: PushScope): boolean {
  if (scope === "all") return true;
  if (typeUrl === TypeUrl.listener) {
    if (name.includes("/lds/inbound/")) return false;
    const a = parseAuthority(name);
    return a !== undefined && candidateHosts(a.host, node.namespace).some((h) => scope.has(h));
  }
  if (
    typeUrl === TypeUrl.routeConfiguration ||
    typeUrl === TypeUrl.cluster ||
    typeUrl === TypeUrl.clusterLoadAssignment
  ) {
    const c = parseClusterName(name);
    return c !== undefined && scope.has(c.host);
  }
  return false; // Dubbo rules change only with config, whose pushes are scoped "all"
}

/** Order of responses within a push: clusters before their endpoints, listeners before their routes (Envoy's make-before-break order). */
const SEND_ORDER = SERVED_TYPE_URLS;
const HISTORY = 30;

export class AdsConnection {
  readonly connectedAt = Date.now();
  node: ClientIdentity | undefined;
  registration: Registration | undefined;
  readonly types = new Map<string, TypeState>();
  readonly history: HistoryEvent[] = [];
  closed = false;
  /** Push version whose work this connection still has to finish. */
  private drainVersion: number | undefined;
  private waiter: (() => void) | undefined;

  constructor(
    readonly id: string,
    readonly peer: { address: string; port: number },
    readonly protocol: "sotw" | "delta",
    protected readonly host: AdsHost,
  ) {}

  protected record(e: Omit<HistoryEvent, "at">): void {
    this.history.push({ at: Date.now(), ...e });
    if (this.history.length > HISTORY) this.history.shift();
  }

  protected state(typeUrl: string): TypeState {
    let st = this.types.get(typeUrl);
    if (st === undefined) {
      st = new TypeState();
      this.types.set(typeUrl, st);
    }
    return st;
  }

  protected identify(
    node:
      | {
          id: string;
          cluster?: string;
          metadata?: JsonObject;
          locality?: { region?: string; zone?: string; subZone?: string };
          userAgentName?: string;
        }
      | undefined,
  ): void {
    if (this.node !== undefined || node === undefined) return;
    this.node = clientIdentity(node, this.peer.address);
    this.registration = this.host.register(this.node);
  }

  onRequest(req: DiscoveryRequest): void {
    if (this.closed) return;
    this.identify(req.node);
    const typeUrl = req.typeUrl;
    if (!SERVED_TYPE_URLS.includes(typeUrl)) return;
    const st = this.state(typeUrl);
    const short = typeShortName(typeUrl);
    const initial = !st.requested || st.sentNonce === undefined;
    if (req.responseNonce !== "" && !initial) {
      // A request answering an older response: the client has not seen the newest one yet. Ignore
      // it entirely -- answering would start a ping-pong of responses with grpc-js-xds.
      if (req.responseNonce !== st.sentNonce) {
        this.record({ type: short, event: "stale-nonce", nonce: req.responseNonce });
        return;
      }
      if (req.errorDetail !== undefined) {
        st.nack = {
          version: req.versionInfo,
          nonce: req.responseNonce,
          message: req.errorDetail.message,
          at: Date.now(),
        };
        st.nacks++;
        this.record({
          type: short,
          event: "nack",
          version: req.versionInfo,
          nonce: req.responseNonce,
          message: req.errorDetail.message,
        });
        this.host.onNack(this, typeUrl, req.errorDetail.message);
        if (st.inflight?.nonce === req.responseNonce) st.inflight = undefined;
      } else {
        st.acked = { version: req.versionInfo, nonce: req.responseNonce, at: Date.now() };
        st.acks++;
        this.record({ type: short, event: "ack", version: req.versionInfo, nonce: req.responseNonce });
        let convergence: number | undefined;
        if (st.inflight?.nonce === req.responseNonce) {
          convergence = performance.now() - st.inflight.since;
          st.inflight = undefined;
        }
        this.host.onAck(this, typeUrl, convergence);
      }
    }
    // Subscriptions. Legacy wildcard: a first LDS/CDS request without names means "everything".
    const names = req.resourceNames;
    const wildcard =
      names.includes("*") || (names.length === 0 && allRequired(typeUrl) && (!st.requested || st.wildcard));
    const added: string[] = [];
    for (const n of names) if (n !== "*" && !st.names.has(n)) added.push(n);
    const removed = [...st.names].filter((n) => !names.includes(n));
    for (const n of removed) {
      st.names.delete(n);
      st.sent.delete(n);
    }
    for (const n of added) st.names.add(n);
    const wildcardChanged = wildcard !== st.wildcard;
    st.wildcard = wildcard;
    if (initial) {
      st.requested = true;
      st.force = true;
      st.markPending("all");
      this.record({ type: short, event: "subscribe", resources: names.length });
    } else if (added.length > 0 || wildcardChanged) {
      // SotW: LDS/CDS responses carry the whole set; RDS/EDS only what is new.
      st.force = allRequired(typeUrl);
      st.markPending(allRequired(typeUrl) || wildcardChanged ? "all" : added);
      this.record({ type: short, event: "subscribe", resources: names.length });
    } else {
      return;
    }
    this.wake();
  }

  /** Marks what a push may have changed for this client. Returns whether anything was marked. */
  markPush(req: PushRequest, version: number): boolean {
    if (this.closed || this.node === undefined) return false;
    const node = this.node;
    let marked = false;
    for (const [typeUrl, st] of this.types) {
      if (!st.requested) continue;
      // Endpoint-only pushes touch EDS alone; a VirtualService change, RDS alone; and so on.
      if (!req.full && typeUrl !== TypeUrl.clusterLoadAssignment) continue;
      if (req.types !== "all" && !req.types.has(typeUrl)) continue;
      if (req.scope === "all" || st.wildcard) {
        st.markPending("all", req.since);
        marked = true;
        continue;
      }
      const names = [...st.names].filter((n) => nameInScope(typeUrl, n, node, req.scope));
      if (names.length > 0) {
        st.markPending(allRequired(typeUrl) ? "all" : names, req.since);
        marked = true;
      }
    }
    if (marked) {
      this.drainVersion = version;
      this.wake();
    }
    return marked;
  }

  /** The next response to send, or undefined when there is nothing (left) to send. */
  nextResponse(): DiscoveryResponse | undefined {
    const ctx = this.host.context();
    for (const typeUrl of SEND_ORDER) {
      const st = this.types.get(typeUrl);
      if (st === undefined || st.pending === undefined || this.node === undefined) continue;
      const res = this.build(typeUrl, st, ctx, this.node);
      st.pending = undefined;
      st.force = false;
      if (res !== undefined) return res;
      st.pendingSince = undefined;
    }
    this.drained();
    return undefined;
  }

  /** Nothing is pending any more: tell the server the push it marked is done here. */
  protected drained(): void {
    if (this.drainVersion === undefined) return;
    const v = this.drainVersion;
    this.drainVersion = undefined;
    this.host.onDrained(this, v);
  }

  protected build(
    typeUrl: string,
    st: TypeState,
    ctx: PushContext,
    node: ClientIdentity,
  ): DiscoveryResponse | undefined {
    const names = st.wildcard ? ctx.wildcardNames(typeUrl) : [...st.names];
    let entries: ResourceEntry[];
    if (allRequired(typeUrl)) {
      entries = [];
      for (const n of names) {
        const e = ctx.resource(typeUrl, n, node);
        if (e !== undefined) entries.push(e);
      }
      const changed =
        st.force || entries.length !== st.sent.size || entries.some((e) => st.sent.get(e.name) !== e.hash);
      if (!changed) return undefined;
      st.sent = new Map(entries.map((e) => [e.name, e.hash]));
    } else {
      const candidates =
        st.pending === "all" || st.pending === undefined
          ? names
          : [...st.pending].filter((n) => st.names.has(n) || st.wildcard);
      entries = [];
      for (const n of candidates) {
        const e = ctx.resource(typeUrl, n, node);
        if (e === undefined) {
          // Gone: SotW cannot say so for RDS/EDS; forget it so a comeback is sent.
          st.sent.delete(n);
          continue;
        }
        if (st.force || st.sent.get(n) !== e.hash) entries.push(e);
      }
      if (entries.length === 0) return undefined;
      for (const e of entries) st.sent.set(e.name, e.hash);
    }
    const nonce = this.host.nextNonce();
    st.sentNonce = nonce;
    st.sentVersion = ctx.versionInfo;
    st.sentAt = Date.now();
    st.sentCount = entries.length;
    st.responses++;
    if (st.pendingSince !== undefined) {
      st.inflight = { nonce, since: Math.min(st.inflight?.since ?? st.pendingSince, st.pendingSince) };
      st.pendingSince = undefined;
    } else if (st.inflight !== undefined) {
      st.inflight = { nonce, since: st.inflight.since };
    }
    this.record({
      type: typeShortName(typeUrl),
      event: "sent",
      version: ctx.versionInfo,
      nonce,
      resources: entries.length,
    });
    this.host.onSent(this, typeUrl, entries.length);
    return create(DiscoveryResponseSchema, {
      versionInfo: ctx.versionInfo,
      typeUrl,
      nonce,
      resources: entries.map((e) => e.any),
    });
  }

  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Resolves at the next wake() or close(). */
  wait(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.registration?.close();
    if (this.drainVersion !== undefined) this.host.onDrained(this, this.drainVersion);
    this.drainVersion = undefined;
    this.wake();
  }
}
