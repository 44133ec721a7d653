// Outlier detection of one leaf cluster, at call time: gRPC's A50 (success-rate and failure-percentage
// ejection on an interval timer, ejection time = base x times ejected capped at max, the multiplier
// decaying while the endpoint behaves) plus Envoy's consecutive_5xx and consecutive_gateway_failure
// detectors, which eject at once when the count is reached (A50 leaves them out; Envoy has them, and
// Istio's DestinationRule sets nothing else). Outcomes are classified in outlier-outcome.ts.
//
// - Ejected endpoints are left out of the balancer's pick. A priority whose endpoints are all ejected
//   is skipped for the next one that has an endpoint not ejected, and used again once one of its
//   endpoints returns: in gRPC outlier detection sits below the priority policy (A50), so such a
//   priority reports TRANSIENT_FAILURE and the priority policy fails over (A56). If every endpoint of
//   every priority is ejected, calls fail with UNAVAILABLE, as gRPC's do; Envoy's panic threshold
//   would spread them over all endpoints instead.
// - max_ejection_percent: an ejection may not take the ejected share above it, except that one
//   endpoint may always be ejected (A50: "will eject at least one address regardless of the value").
// - State is per endpoint address and survives EDS updates for endpoints that stay; it is dropped for
//   endpoints that leave. The detector works over the endpoints calls may use: those of the preferred
//   priority and of the later ones calls fail over to, as one cluster (as Envoy's detector does; in
//   gRPC each priority has its own, which differs only in what max_ejection_percent is a share of).

import { Code } from "@dubbo-mesh/triple";
import type { OutlierDetectionConfig } from "@dubbo-mesh/xds";
import type { Invoker } from "../../directory/invoker.js";
import type { Logger } from "../../log/logger.js";
import { countsForOutliers, isGatewayFailure, isServerError } from "./outlier-outcome.js";

/** Time and timers for the detectors; tests pass a manual one. */
export interface OutlierClock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms`; returns what cancels it. Must not keep the process alive. */
  schedule(fn: () => void, ms: number): () => void;
}

export const systemClock: OutlierClock = {
  now: () => performance.now(),
  schedule(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return () => clearTimeout(t);
  },
};

export interface OutlierDeps {
  readonly clock: OutlierClock;
  /** [0, 1), for the enforcement percentages. */
  readonly random: () => number;
  readonly logger?: Logger;
}

/** One endpoint of the cluster (A50's map entry): made once, counted into on every attempt. */
export class EndpointOutlier {
  /** The active bucket: outcomes since the last sweep. */
  successes = 0;
  failures = 0;
  /** The inactive bucket: the interval the last sweep closed. */
  lastSuccesses = 0;
  lastFailures = 0;
  consecutive5xx = 0;
  consecutiveGateway = 0;
  ejected = false;
  ejectedAt = 0;
  /** Times ejected, less one per sweep it spends not ejected. */
  multiplier = 0;
  /** Left the cluster: an attempt still in flight on it reports into nothing. */
  removed = false;

  constructor(
    readonly key: string,
    private readonly detector: ClusterOutlierDetector,
  ) {}

  /** One attempt on this endpoint ended with `code` (Code.Ok for success). */
  record(code: Code): void {
    this.detector.record(this, code);
  }
}

/** Whether the config turns on any detector (an all-off config needs no counting at all). */
export function detectsOutliers(c: OutlierDetectionConfig): boolean {
  return (
    c.successRateEjection !== undefined ||
    c.failurePercentageEjection !== undefined ||
    (c.consecutive5xx.threshold > 0 && c.consecutive5xx.enforcementPercentage > 0) ||
    (c.consecutiveGatewayFailure.threshold > 0 && c.consecutiveGatewayFailure.enforcementPercentage > 0)
  );
}

export class ClusterOutlierDetector {
  private config: OutlierDetectionConfig;
  private readonly entries = new Map<string, EndpointOutlier>();
  /** Endpoints ejected now; 0 on the common path, where picks skip every ejection check. */
  ejectedCount = 0;
  /** Moves on every ejection, un-ejection and endpoint change (invalidates the usable lists). */
  private version = 0;
  private readonly usableLists = new WeakMap<
    readonly Invoker[],
    { version: number; list: readonly Invoker[] }
  >();
  private timerStart: number | undefined;
  private cancelTimer: (() => void) | undefined;
  private closed = false;

  constructor(
    readonly cluster: string,
    config: OutlierDetectionConfig,
    private readonly deps: OutlierDeps,
  ) {
    this.config = config;
    // A50: a new detector starts with empty counters and its interval starting now.
    this.schedule(config.intervalMs);
  }

  /** A new configuration of the cluster: the timer keeps its phase unless the interval changed (A50). */
  setConfig(config: OutlierDetectionConfig): void {
    const previous = this.config;
    this.config = config;
    if (config.intervalMs === previous.intervalMs || this.closed) return;
    this.cancelTimer?.();
    const elapsed = this.deps.clock.now() - (this.timerStart ?? this.deps.clock.now());
    this.schedule(Math.max(0, config.intervalMs - elapsed));
  }

  /** The endpoints calls may use now: state stays for those that remain, goes for those that left. */
  setEndpoints(keys: readonly string[]): void {
    const wanted = new Set(keys);
    let changed = false;
    for (const [key, e] of this.entries) {
      if (wanted.has(key)) continue;
      if (e.ejected) this.ejectedCount--;
      e.removed = true;
      this.entries.delete(key);
      changed = true;
    }
    for (const key of keys) {
      if (this.entries.has(key)) continue;
      this.entries.set(key, new EndpointOutlier(key, this));
      changed = true;
    }
    if (changed) this.version++;
  }

  /** The endpoint's counters, or undefined for an endpoint outside the cluster's current list. */
  entry(key: string): EndpointOutlier | undefined {
    return this.entries.get(key);
  }

  /** One attempt's outcome on `e` (Code.Ok for success). Allocation-free. */
  record(e: EndpointOutlier, code: Code): void {
    if (e.removed) return;
    if (code === Code.Ok) {
      e.successes++;
      e.consecutive5xx = 0;
      e.consecutiveGateway = 0;
      return;
    }
    if (!countsForOutliers(code)) return;
    if (!isServerError(code)) {
      // Envoy: a non-5xx answer is a success and ends both runs of errors.
      e.successes++;
      e.consecutive5xx = 0;
      e.consecutiveGateway = 0;
      return;
    }
    e.failures++;
    const c = this.config;
    if (isGatewayFailure(code)) {
      const g = c.consecutiveGatewayFailure;
      if (++e.consecutiveGateway >= g.threshold && g.threshold > 0) {
        e.consecutiveGateway = 0;
        if (g.enforcementPercentage > 0)
          this.tryEject(e, g.enforcementPercentage, "consecutive_gateway_failure");
      }
    } else {
      e.consecutiveGateway = 0;
    }
    const f = c.consecutive5xx;
    if (++e.consecutive5xx >= f.threshold && f.threshold > 0) {
      e.consecutive5xx = 0;
      if (f.enforcementPercentage > 0) this.tryEject(e, f.enforcementPercentage, "consecutive_5xx");
    }
  }

  /**
   * `members` without the ejected endpoints (the same array when none is ejected); remembered per
   * list until the next ejection change, so balancers keep their state lined up with one array.
   */
  usable(members: readonly Invoker[]): readonly Invoker[] {
    if (this.ejectedCount === 0) return members;
    const cached = this.usableLists.get(members);
    if (cached !== undefined && cached.version === this.version) return cached.list;
    const list = members.filter((i) => this.entries.get(i.key)?.ejected !== true);
    this.usableLists.set(members, { version: this.version, list });
    return list;
  }

  /** Endpoints in the cluster's list (for tests and status). */
  get size(): number {
    return this.entries.size;
  }

  /** The interval's work (A50's timer callback); public so tests drive it with a manual clock. */
  sweep(): void {
    const now = this.deps.clock.now();
    for (const e of this.entries.values()) {
      e.lastSuccesses = e.successes;
      e.lastFailures = e.failures;
      e.successes = 0;
      e.failures = 0;
    }
    const c = this.config;
    if (c.successRateEjection !== undefined) this.successRate(c.successRateEjection, now);
    if (c.failurePercentageEjection !== undefined) this.failurePercentage(c.failurePercentageEjection, now);
    const cap = Math.max(c.baseEjectionTimeMs, c.maxEjectionTimeMs);
    for (const e of this.entries.values()) {
      if (!e.ejected) {
        if (e.multiplier > 0) e.multiplier--;
      } else if (now >= e.ejectedAt + Math.min(c.baseEjectionTimeMs * e.multiplier, cap)) {
        this.uneject(e);
      }
    }
  }

  close(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  private successRate(s: NonNullable<OutlierDetectionConfig["successRateEjection"]>, now: number): void {
    let hosts = 0;
    let sum = 0;
    for (const e of this.entries.values()) {
      const volume = e.lastSuccesses + e.lastFailures;
      if (volume === 0 || volume < s.requestVolume) continue;
      hosts++;
      sum += e.lastSuccesses / volume;
    }
    if (hosts === 0 || hosts < s.minimumHosts) return;
    const mean = sum / hosts;
    let squares = 0;
    for (const e of this.entries.values()) {
      const volume = e.lastSuccesses + e.lastFailures;
      if (volume === 0 || volume < s.requestVolume) continue;
      const d = e.lastSuccesses / volume - mean;
      squares += d * d;
    }
    const threshold = mean - Math.sqrt(squares / hosts) * (s.stdevFactor / 1000);
    for (const e of this.entries.values()) {
      if (!this.mayEject()) return;
      const volume = e.lastSuccesses + e.lastFailures;
      if (e.ejected || volume === 0 || volume < s.requestVolume) continue;
      if (e.lastSuccesses / volume < threshold) this.enforce(e, s.enforcementPercentage, "success_rate", now);
    }
  }

  private failurePercentage(
    f: NonNullable<OutlierDetectionConfig["failurePercentageEjection"]>,
    now: number,
  ): void {
    if (this.entries.size < f.minimumHosts) return;
    for (const e of this.entries.values()) {
      if (!this.mayEject()) return;
      const volume = e.lastSuccesses + e.lastFailures;
      if (e.ejected || volume === 0 || volume < f.requestVolume) continue;
      if ((100 * e.lastFailures) / volume > f.threshold)
        this.enforce(e, f.enforcementPercentage, "failure_percentage", now);
    }
  }

  /** Room for one more ejection under max_ejection_percent (one is always allowed). */
  private mayEject(): boolean {
    return (
      this.ejectedCount === 0 ||
      (this.ejectedCount + 1) * 100 <= this.config.maxEjectionPercent * this.entries.size
    );
  }

  private tryEject(e: EndpointOutlier, enforcement: number, why: string): void {
    if (e.ejected || !this.mayEject()) return;
    this.enforce(e, enforcement, why, this.deps.clock.now());
  }

  /** A50: a random integer in [0, 100) below the enforcement percentage ejects. */
  private enforce(e: EndpointOutlier, enforcement: number, why: string, now: number): void {
    if (Math.floor(this.deps.random() * 100) >= enforcement) return;
    e.ejected = true;
    e.ejectedAt = now;
    e.multiplier++;
    this.ejectedCount++;
    this.version++;
    this.deps.logger?.info(
      { cluster: this.cluster, endpoint: e.key, reason: why, times: e.multiplier },
      `xds: outlier detection ejects ${e.key} from ${this.cluster} (${why})`,
    );
  }

  private uneject(e: EndpointOutlier): void {
    e.ejected = false;
    this.ejectedCount--;
    this.version++;
    this.deps.logger?.info(
      { cluster: this.cluster, endpoint: e.key },
      `xds: outlier detection returns ${e.key} to ${this.cluster}`,
    );
  }

  private schedule(ms: number): void {
    this.cancelTimer = this.deps.clock.schedule(
      () => {
        if (this.closed) return;
        this.timerStart = this.deps.clock.now();
        this.sweep();
        this.schedule(this.config.intervalMs);
      },
      Math.max(1, ms),
    );
    if (this.timerStart === undefined) this.timerStart = this.deps.clock.now();
  }
}
