/**
 * gRPC's connection backoff (doc/connection-backoff.md): 1 s initial, x1.6, 20 % jitter, 120 s cap.
 */
export interface BackoffOptions {
  initialMs?: number;
  multiplier?: number;
  jitter?: number;
  maxMs?: number;
}

export class Backoff {
  private current: number;
  private readonly initial: number;
  private readonly multiplier: number;
  private readonly jitter: number;
  private readonly max: number;

  constructor(options: BackoffOptions = {}) {
    this.initial = options.initialMs ?? 1000;
    this.multiplier = options.multiplier ?? 1.6;
    this.jitter = options.jitter ?? 0.2;
    this.max = options.maxMs ?? 120_000;
    this.current = this.initial;
  }

  /** The next delay, jittered; grows up to the cap. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.max, this.current * this.multiplier);
    return Math.max(0, base * (1 + this.jitter * (Math.random() * 2 - 1)));
  }

  reset(): void {
    this.current = this.initial;
  }
}
