// The ADS server: AggregatedDiscoveryService on our own Triple server. It keeps the connections,
// the current push context and the debouncer; config and registry changes become push requests,
// a debounced push makes a new context and marks every connection, and each stream's send loop
// does the rest.
import type { HandlerContext, TripleServer } from "@dubbo-mesh/triple";
import type { ConfigStore } from "../config/config-store.js";
import type { XdsMetrics } from "../debug/xds-metrics.js";
import {
  AggregatedDiscoveryService,
  type DeltaDiscoveryRequest,
  type DiscoveryRequest,
} from "../envoy/gen.js";
import type { AutoRegistration } from "../registry/auto-registration.js";
import type { ServiceRegistry } from "../registry/service-registry.js";
import type { TranslateOptions } from "../translate/translate-options.js";
import { TypeUrl, typeShortName } from "../translate/translator.js";
import { AdsConnection, type AdsHost } from "./ads-connection.js";
import { type DebounceOptions, Debouncer } from "./debouncer.js";
import { DeltaConnection } from "./delta-connection.js";
import { PushContext } from "./push-context.js";
import type { PushRequest } from "./push-request.js";
import { configScope, configTypes } from "./push-scope.js";

export interface AdsServerOptions {
  debounce?: DebounceOptions;
  translate?: Partial<TranslateOptions>;
}

export interface PushRecord {
  readonly version: number;
  readonly full: boolean;
  readonly reasons: readonly string[];
  readonly startedAt: number;
  readonly debounceMs: number;
  /** ms from the push start until every marked connection had been sent its responses. */
  durationMs?: number;
  connections: number;
}

export class AdsServer {
  readonly connections = new Map<string, AdsConnection>();
  readonly pushes: PushRecord[] = [];
  private ctx: PushContext;
  private version = 1;
  private nonce = 0;
  private connSeq = 0;
  private readonly debouncer: Debouncer;
  private current: { record: PushRecord; waiting: Set<AdsConnection>; start: number } | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private pushWaiters: (() => void)[] = [];

  constructor(
    private readonly config: ConfigStore,
    private readonly registry: ServiceRegistry,
    private readonly auto: AutoRegistration,
    private readonly metrics: XdsMetrics,
    private readonly options: AdsServerOptions = {},
  ) {
    this.ctx = new PushContext(this.version, config.snapshot(), registry.snapshot(), options.translate);
    this.debouncer = new Debouncer((req, debounceMs) => this.push(req, debounceMs), options.debounce);
    let lastConfig = config.snapshot();
    const domain = options.translate?.domain ?? "cluster.local";
    this.unsubscribe.push(
      config.subscribe((change, snapshot) => {
        const before = lastConfig;
        lastConfig = snapshot;
        // WorkloadEntry edits reach the registry (and come back as endpoint events); the rest is config.
        const kinds = new Set(change.changes.map((c) => c.kind));
        kinds.delete("WorkloadEntry");
        if (kinds.size === 0) return;
        this.metrics.triggers.inc({ type: "config" });
        this.requestPush({
          full: true,
          hosts: new Set(),
          scope: configScope(change, before, snapshot, domain),
          types: configTypes(change),
          reasons: change.changes.slice(0, 5).map((c) => `${c.type} ${c.key}`),
          since: performance.now(),
        });
      }),
      registry.subscribe((event) => {
        this.metrics.triggers.inc({ type: event.full ? "service" : "endpoint" });
        // With Dubbo condition/tag rules, routes depend on which providers exist (`force: false`).
        const snap = config.snapshot();
        const dubboRoutes = snap.list("ConditionRoute").length > 0 || snap.list("TagRoute").length > 0;
        this.requestPush({
          full: event.full || dubboRoutes,
          hosts: event.hosts,
          scope: event.hosts,
          types: event.full || dubboRoutes ? "all" : new Set([TypeUrl.clusterLoadAssignment]),
          reasons: [event.reason],
          since: performance.now(),
        });
      }),
    );
  }

  requestPush(req: PushRequest): void {
    this.debouncer.enqueue(req);
  }

  context(): PushContext {
    return this.ctx;
  }

  /** Whether the current push context reflects the latest config and registry (nothing is waiting to be pushed). */
  isCurrent(): boolean {
    return (
      this.ctx.config === this.config.snapshot() &&
      this.ctx.registry.version === this.registry.snapshot().version
    );
  }

  /** Resolves after the next push has been handed to every connection (tests and the benchmark use it). */
  nextPush(): Promise<void> {
    return new Promise((r) => this.pushWaiters.push(r));
  }

  register(server: TripleServer): void {
    // The generators below run with `this` bound to the implementation object, not to the server.
    const self = this;
    server.register(AggregatedDiscoveryService, {
      async *streamAggregatedResources(requests: AsyncIterable<DiscoveryRequest>, ctx: HandlerContext) {
        const conn = new AdsConnection(self.newId(ctx), ctx.peer, "sotw", self.host);
        yield* self.serve(conn, requests, ctx, (r) => conn.onRequest(r));
      },
      async *deltaAggregatedResources(requests: AsyncIterable<DeltaDiscoveryRequest>, ctx: HandlerContext) {
        const conn = new DeltaConnection(self.newId(ctx), ctx.peer, self.host);
        yield* self.serveDelta(conn, requests, ctx);
      },
    });
  }

  private newId(ctx: HandlerContext): string {
    return `${ctx.peer.address}:${ctx.peer.port}-${++this.connSeq}`;
  }

  private async *serve<Req>(
    conn: AdsConnection,
    requests: AsyncIterable<Req>,
    ctx: HandlerContext,
    onRequest: (r: Req) => void,
  ): AsyncGenerator<ReturnType<AdsConnection["nextResponse"]> & object> {
    this.connections.set(conn.id, conn);
    this.metrics.connectedClients.set(this.connections.size);
    const onAbort = () => conn.close();
    ctx.signal.addEventListener("abort", onAbort);
    // Requests are read concurrently with sending; the stream ends when the client ends or breaks it.
    const reading = (async () => {
      for await (const r of requests) onRequest(r);
    })()
      .catch(() => {})
      .finally(() => conn.close());
    try {
      while (!conn.closed) {
        const res = conn.nextResponse();
        if (res !== undefined) yield res;
        else await conn.wait();
      }
    } finally {
      conn.close();
      ctx.signal.removeEventListener("abort", onAbort);
      this.connections.delete(conn.id);
      this.metrics.connectedClients.set(this.connections.size);
      void reading;
    }
  }

  private async *serveDelta(
    conn: DeltaConnection,
    requests: AsyncIterable<DeltaDiscoveryRequest>,
    ctx: HandlerContext,
  ) {
    this.connections.set(conn.id, conn);
    this.metrics.connectedClients.set(this.connections.size);
    const onAbort = () => conn.close();
    ctx.signal.addEventListener("abort", onAbort);
    const reading = (async () => {
      for await (const r of requests) conn.onDeltaRequest(r);
    })()
      .catch(() => {})
      .finally(() => conn.close());
    try {
      while (!conn.closed) {
        const res = conn.nextDeltaResponse();
        if (res !== undefined) yield res;
        else await conn.wait();
      }
    } finally {
      conn.close();
      ctx.signal.removeEventListener("abort", onAbort);
      this.connections.delete(conn.id);
      this.metrics.connectedClients.set(this.connections.size);
      void reading;
    }
  }

  private readonly host: AdsHost = {
    context: () => this.ctx,
    nextNonce: () => String(++this.nonce),
    register: (node) => this.auto.connect(node),
    onSent: (_conn, typeUrl) => this.metrics.pushes.inc({ type: typeShortName(typeUrl).toLowerCase() }),
    onAck: (_conn, _typeUrl, convergenceMs) => {
      if (convergenceMs !== undefined) this.metrics.convergence.observe(convergenceMs / 1000);
    },
    onNack: (_conn, typeUrl) => this.metrics.rejects.inc({ type: typeShortName(typeUrl).toLowerCase() }),
    onDrained: (conn, version) => {
      const cur = this.current;
      if (cur === undefined || cur.record.version !== version) return;
      cur.waiting.delete(conn);
      if (cur.waiting.size === 0) this.finishPush();
    },
  };

  private finishPush(): void {
    const cur = this.current;
    if (cur === undefined) return;
    this.current = undefined;
    cur.record.durationMs = performance.now() - cur.start;
    this.metrics.pushTime.observe({ type: cur.record.full ? "full" : "eds" }, cur.record.durationMs / 1000);
  }

  private async push(req: PushRequest, debounceMs: number): Promise<void> {
    if (this.current !== undefined) this.finishPush(); // a slow client must not hold the record forever
    const start = performance.now();
    this.version++;
    // Resources of hosts outside the request's scope carry over from the previous push untouched.
    this.ctx = new PushContext(
      this.version,
      this.config.snapshot(),
      this.registry.snapshot(),
      this.options.translate,
      {
        previous: this.ctx,
        scope: req.scope,
      },
    );
    this.metrics.debounceTime.observe(debounceMs / 1000);
    const record: PushRecord = {
      version: this.version,
      full: req.full,
      reasons: req.reasons,
      startedAt: Date.now(),
      debounceMs: Math.round(debounceMs),
      connections: 0,
    };
    this.pushes.push(record);
    if (this.pushes.length > 50) this.pushes.shift();
    const waiting = new Set<AdsConnection>();
    this.current = { record, waiting, start };
    for (const conn of this.connections.values()) if (conn.markPush(req, this.version)) waiting.add(conn);
    record.connections = waiting.size;
    if (waiting.size === 0) this.finishPush();
    for (const w of this.pushWaiters.splice(0)) w();
  }

  close(): void {
    this.debouncer.close();
    for (const u of this.unsubscribe) u();
    for (const c of this.connections.values()) c.close();
  }
}
