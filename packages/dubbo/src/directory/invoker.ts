import type { Transport } from "@dubbo-mesh/triple";
import type { Endpoint } from "../discovery/endpoint.js";
import { addressOf } from "../discovery/endpoint-url.js";
import type { TransportPool, TransportSpec, TransportTls } from "../transport/transport-pool.js";
import { CallStats } from "./call-stats.js";

/** Dubbo's default warm-up (`DEFAULT_WARMUP`): 10 minutes. */
export const DEFAULT_WARMUP_MS = 10 * 60 * 1000;

/** How long an endpoint that failed to connect is skipped when others are available. */
export const UNAVAILABLE_HOLD_MS = 1000;

/**
 * A live endpoint of one service as the consumer sees it (Dubbo's Invoker): the endpoint, its weight
 * after dynamic configuration, its warm-up clock, call statistics and a lazily made transport. The same
 * object lives across discovery updates so that statistics survive them.
 */
export class Invoker {
  /** Weight after configurators (before warm-up); 0 takes the endpoint out of weighted picks. */
  weight: number;
  /** Disabled by a configurator (`disabled: true`): kept in the directory, never routed to. */
  disabled = false;
  /** Provider start time in ms since the epoch (`timestamp` metadata), 0 when unknown. */
  startedAt: number;
  warmupMs: number;
  readonly stats = new CallStats();
  readonly address: string;
  private spec: TransportSpec | undefined;
  private tls: TransportTls | undefined;
  private cached: Transport | undefined;

  constructor(
    readonly key: string,
    public endpoint: Endpoint,
    private readonly pool: TransportPool,
  ) {
    this.address = addressOf(endpoint);
    this.weight = endpoint.weight;
    this.startedAt = 0;
    this.warmupMs = DEFAULT_WARMUP_MS;
    this.readClock();
  }

  /** Takes a new version of the endpoint (metadata may change between discovery updates). */
  update(endpoint: Endpoint): void {
    this.endpoint = endpoint;
    this.weight = endpoint.weight;
    this.readClock();
  }

  /** A metadata value of the endpoint (Dubbo URL parameter), plus host/port/address/protocol. */
  param(key: string): string | undefined {
    switch (key) {
      case "host":
        return this.endpoint.host;
      case "port":
        return String(this.endpoint.port);
      case "address":
        return this.address;
      case "protocol":
        return this.endpoint.protocol;
      case "weight":
        return String(this.weight);
      default:
        return this.endpoint.metadata[key];
    }
  }

  /**
   * False for a while after a call failed to reach the endpoint (Dubbo's `isAvailable()`);
   * `now` is `performance.now()`.
   */
  available(now: number): boolean {
    const t = this.stats.lastUnavailableAt;
    return t === 0 || now - t > UNAVAILABLE_HOLD_MS;
  }

  /** The pooled transport for this spec; `tls` (a mesh's, per cluster) gets connections of its own. */
  transport(spec: TransportSpec, tls?: TransportTls): Transport {
    if (this.spec === spec && this.tls === tls && this.cached !== undefined) return this.cached;
    const t = this.pool.get(this.endpoint, spec, tls);
    this.spec = spec;
    this.tls = tls;
    this.cached = t;
    return t;
  }

  private readClock(): void {
    const ts = Number(this.endpoint.metadata.timestamp);
    this.startedAt = Number.isFinite(ts) && ts > 0 ? ts : 0;
    const w = Number(this.endpoint.metadata.warmup);
    this.warmupMs = Number.isFinite(w) && w > 0 ? w : DEFAULT_WARMUP_MS;
  }
}
