/**
 * Counters one consumer keeps per endpoint (Dubbo's RpcStatus), read by the load balancers:
 * calls in flight (least active, p2c), average latency of successful calls over a sliding window
 * (shortest response) and recent connection failures (availability).
 *
 * Kept per endpoint and service, not per method as Dubbo does: one counter per endpoint keeps a pick
 * over 1,000 endpoints free of map lookups, and methods of one service share the provider's capacity.
 * Times are `performance.now()` milliseconds (monotonic, and read once per call anyway).
 */
export class CallStats {
  active = 0;
  total = 0;
  failed = 0;
  /** Successful calls and their summed latency since the start of the current window. */
  windowSucceeded = 0;
  windowElapsedMs = 0;
  windowStart = 0;
  /** When a call last failed without reaching the provider (UNAVAILABLE); 0 when it has not. */
  lastUnavailableAt = 0;

  /** Shortest-response window (Dubbo's `shortestresponse.slidePeriod`, 30 s). */
  static windowMs = 30_000;

  begin(): void {
    this.active++;
    this.total++;
  }

  succeed(elapsedMs: number, now: number): void {
    this.active--;
    if (now - this.windowStart > CallStats.windowMs) {
      this.windowStart = now;
      this.windowSucceeded = 0;
      this.windowElapsedMs = 0;
    }
    this.windowSucceeded++;
    this.windowElapsedMs += elapsedMs;
    this.lastUnavailableAt = 0;
  }

  fail(unreachable: boolean, now: number): void {
    this.active--;
    this.failed++;
    if (unreachable) this.lastUnavailableAt = now;
  }

  /** Average latency of successful calls in the window, 0 when there were none (as Dubbo). */
  averageElapsedMs(): number {
    return this.windowSucceeded === 0 ? 0 : this.windowElapsedMs / this.windowSucceeded;
  }

  /** Dubbo's estimate for shortest response: average latency times (calls in flight + 1). */
  estimatedResponseMs(): number {
    return this.averageElapsedMs() * (this.active + 1);
  }
}
