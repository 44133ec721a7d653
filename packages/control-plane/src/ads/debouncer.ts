// istiod's push debounce (pilot/pkg/xds/discovery.go debounce(), copied by dubbod): the first event
// opens a window; every later event extends it; the push happens once nothing arrived for `quietMs`
// or the window has been open for `maxMs`, whichever comes first. Only one push runs at a time;
// events arriving meanwhile wait for the next window. EDS changes are debounced too (istiod's default).
import { mergePush, type PushRequest } from "./push-request.js";

export interface DebounceOptions {
  /** Quiet period before pushing (PILOT_DEBOUNCE_AFTER, default 100 ms). */
  quietMs?: number;
  /** Longest a push may be delayed by a stream of events (PILOT_DEBOUNCE_MAX, default 10 s). */
  maxMs?: number;
}

export class Debouncer {
  private pending: PushRequest | undefined;
  private windowStart = 0;
  private lastEvent = 0;
  private timer: NodeJS.Timeout | undefined;
  private pushing = false;
  private closed = false;
  readonly quietMs: number;
  readonly maxMs: number;

  constructor(
    private readonly push: (request: PushRequest, debounceMs: number) => Promise<void>,
    options: DebounceOptions = {},
  ) {
    this.quietMs = options.quietMs ?? 100;
    this.maxMs = options.maxMs ?? 10_000;
  }

  enqueue(request: PushRequest): void {
    if (this.closed) return;
    const now = performance.now();
    this.lastEvent = now;
    if (this.pending === undefined) {
      this.pending = request;
      this.windowStart = now;
    } else {
      this.pending = mergePush(this.pending, request);
    }
    if (this.timer === undefined && !this.pushing) this.arm(this.quietMs);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.tick(), Math.max(0, ms));
  }

  private tick(): void {
    this.timer = undefined;
    if (this.pending === undefined || this.closed) return;
    const now = performance.now();
    const quiet = now - this.lastEvent;
    const open = now - this.windowStart;
    if (quiet < this.quietMs && open < this.maxMs) {
      this.arm(Math.min(this.quietMs - quiet, this.maxMs - open));
      return;
    }
    const request = this.pending;
    this.pending = undefined;
    this.pushing = true;
    this.push(request, open)
      .catch(() => {})
      .finally(() => {
        this.pushing = false;
        // Events that came in during the push start their own window now.
        if (this.pending !== undefined && !this.closed) this.arm(this.quietMs);
      });
  }
}
