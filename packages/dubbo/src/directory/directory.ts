import type { Discovery, ServiceQuery, WatchUpdate } from "../discovery/discovery.js";
import { type Endpoint, endpointKey } from "../discovery/endpoint.js";
import type { Logger } from "../log/logger.js";
import type { TransportPool } from "../transport/transport-pool.js";
import { Invoker } from "./invoker.js";

/** What dynamic configuration (provider-side configurators) says about one endpoint. */
export interface EndpointOverride {
  readonly weight?: number;
  readonly disabled?: boolean;
}

export type OverrideFn = (invoker: Invoker) => EndpointOverride | undefined;

/**
 * The live endpoints of one service (interface + group + version), merged from every discovery
 * source, with provider-side dynamic configuration applied (weight, disabled).
 *
 * An empty list from a source only replaces a non-empty one when the source confirms it: a registry
 * that lost its session must not take every provider away (Dubbo keeps the last known good list the
 * same way, and only an explicit `empty://` notification empties it).
 */
export class Directory {
  private readonly perSource: (readonly Endpoint[] | undefined)[];
  private readonly unwatch: (() => void)[] = [];
  private readonly byKey = new Map<string, Invoker>();
  private snapshot: readonly Invoker[] = [];
  private override: OverrideFn | undefined;
  private readonly listeners = new Set<() => void>();
  private readyWaiters: (() => void)[] = [];
  private skippedProtocols = new Set<string>();
  ready = false;
  closed = false;

  constructor(
    readonly query: ServiceQuery,
    sources: readonly Discovery[],
    private readonly pool: TransportPool,
    private readonly logger: Logger,
  ) {
    this.perSource = sources.map(() => undefined);
    if (sources.length === 0) this.markReady();
    sources.forEach((source, i) => {
      this.unwatch.push(
        source.watch(query, (endpoints, update) => this.onUpdate(i, source, endpoints, update)),
      );
    });
  }

  /** Endpoints that may receive calls (disabled ones left out). Same array until something changes. */
  list(): readonly Invoker[] {
    return this.snapshot;
  }

  /** Every endpoint known, disabled ones included. */
  all(): Invoker[] {
    return [...this.byKey.values()];
  }

  /** Resolves once every source has answered at least once, or after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.readyWaiters.push(done);
    });
  }

  /** Called after every change of the list (discovery or dynamic configuration). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setOverride(fn: OverrideFn | undefined): void {
    this.override = fn;
    this.rebuild();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unwatch) u();
    for (const key of this.byKey.keys()) this.pool.release(key);
    this.byKey.clear();
    this.snapshot = [];
    this.listeners.clear();
    this.markReady();
  }

  private onUpdate(i: number, source: Discovery, endpoints: readonly Endpoint[], update?: WatchUpdate): void {
    if (this.closed) return;
    const previous = this.perSource[i];
    if (
      endpoints.length === 0 &&
      previous !== undefined &&
      previous.length > 0 &&
      update?.confirmed !== true
    ) {
      this.logger.warn(
        { service: this.query.interface, source: source.name, kept: previous.length },
        `discovery source "${source.name}" reported no endpoints for ${this.query.interface} without confirming it; keeping the last known ${previous.length}`,
      );
    } else {
      this.perSource[i] = endpoints;
      this.merge();
    }
    if (!this.ready && this.perSource.every((l) => l !== undefined)) this.markReady();
  }

  private merge(): void {
    const seen = new Set<string>();
    for (const list of this.perSource) {
      if (list === undefined) continue;
      for (const e of list) {
        // A client speaks one protocol (the query's: tri unless it asked for dubbo); others are skipped.
        if (e.protocol !== (this.query.protocol ?? "tri")) {
          this.skipProtocol(e.protocol);
          continue;
        }
        const key = endpointKey(e);
        if (seen.has(key)) continue; // the first source that names an endpoint wins
        seen.add(key);
        const existing = this.byKey.get(key);
        if (existing === undefined) {
          this.byKey.set(key, new Invoker(key, e, this.pool));
          this.pool.retain(key);
        } else if (existing.endpoint !== e) {
          existing.update(e);
        }
      }
    }
    for (const key of [...this.byKey.keys()]) {
      if (!seen.has(key)) {
        this.byKey.delete(key);
        this.pool.release(key);
      }
    }
    this.rebuild();
  }

  private rebuild(): void {
    const next: Invoker[] = [];
    for (const inv of this.byKey.values()) {
      const o = this.override?.(inv);
      inv.weight = o?.weight ?? inv.endpoint.weight;
      inv.disabled = o?.disabled ?? false;
      if (!inv.disabled) next.push(inv);
    }
    this.snapshot = next;
    for (const l of this.listeners) l();
  }

  private skipProtocol(protocol: string): void {
    if (this.skippedProtocols.has(protocol)) return;
    this.skippedProtocols.add(protocol);
    this.logger.warn(
      { service: this.query.interface, protocol },
      `ignoring ${protocol}:// endpoints of ${this.query.interface}: this client calls ${this.query.protocol ?? "tri"}:// endpoints only`,
    );
  }

  private markReady(): void {
    this.ready = true;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w();
  }
}
