// What one connection has asked for and been sent, per resource type: subscriptions, the last
// response (version, nonce, per-resource hashes), the last ACK and NACK, and what must go out next.

export interface AckRecord {
  readonly version: string;
  readonly nonce: string;
  readonly at: number;
}

export interface NackRecord extends AckRecord {
  readonly message: string;
}

export class TypeState {
  /** Subscribed names (SotW: the last request's list; delta: accumulated). */
  readonly names = new Set<string>();
  wildcard = false;
  requested = false;
  /** name -> content hash of what this client was last sent. */
  sent = new Map<string, string>();
  sentNonce: string | undefined;
  sentVersion: string | undefined;
  sentAt: number | undefined;
  sentCount = 0;
  responses = 0;
  acked: AckRecord | undefined;
  nack: NackRecord | undefined;
  acks = 0;
  nacks = 0;
  /** Names to (re)consider on the next response, or all subscribed. */
  pending: Set<string> | "all" | undefined;
  /** The next response must go out even if nothing changed (an initial or re-subscribing request). */
  force = false;
  /** Earliest change time (performance.now()) behind the pending work, for convergence time. */
  pendingSince: number | undefined;
  /** The response whose ACK ends a convergence measurement. */
  inflight: { nonce: string; since: number } | undefined;

  markPending(names: Iterable<string> | "all", since?: number): void {
    if (names === "all" || this.pending === "all") this.pending = "all";
    else {
      if (this.pending === undefined) this.pending = new Set();
      for (const n of names) this.pending.add(n);
    }
    if (since !== undefined) this.pendingSince = Math.min(this.pendingSince ?? since, since);
  }

  /** SYNCED / STALE / NOT SENT, as istioctl proxy-status says it. */
  status(): "SYNCED" | "STALE" | "NOT SENT" | "NACKED" {
    if (this.sentNonce === undefined) return "NOT SENT";
    if (this.nack !== undefined && this.nack.nonce === this.sentNonce) return "NACKED";
    return this.acked?.nonce === this.sentNonce ? "SYNCED" : "STALE";
  }
}
