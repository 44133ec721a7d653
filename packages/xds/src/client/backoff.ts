// Reconnect delays for the ADS stream: gRPC's connection backoff (doc/connection-backoff.md) with the
// xDS client's cap: 1 s initial, x1.6, +-20 % jitter, 30 s max. The caller resets it once a stream
// has received a response, so a control plane that restarts is redialled after about a second.

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly multiplier?: number;
  /** Fraction of the delay added or removed at random (0.2 = +-20 %). */
  readonly jitter?: number;
  readonly maxMs?: number;
}

export class Backoff {
  readonly #initial: number;
  readonly #multiplier: number;
  readonly #jitter: number;
  readonly #max: number;
  #current: number;

  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initialMs ?? 1000;
    this.#multiplier = options.multiplier ?? 1.6;
    this.#jitter = options.jitter ?? 0.2;
    this.#max = options.maxMs ?? 30_000;
    this.#current = this.#initial;
  }

  /** The next delay (jittered), then grows the base towards the cap. */
  next(): number {
    const base = this.#current;
    this.#current = Math.min(this.#max, this.#current * this.#multiplier);
    return Math.max(0, Math.round(base * (1 + this.#jitter * (Math.random() * 2 - 1))));
  }

  reset(): void {
    this.#current = this.#initial;
  }
}
