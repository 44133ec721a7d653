// Idle tracking shared by client and server connections. Dubbo's defaults: a heartbeat every 60 s
// (remoting Constants.DEFAULT_HEARTBEAT) when nothing was read or written for that long, and the
// connection counts as dead after 3 x heartbeat without reading anything (heartbeat.timeout,
// UrlUtils.getIdleTimeout). Java's client sends the heartbeats (HeartbeatTimerTask) and reconnects on
// idle (ReconnectTimerTask); its server only answers them and closes idle connections (CloseTimerTask).

export const DEFAULT_HEARTBEAT_MS = 60_000;
/** How many heartbeat intervals without input mean the peer is gone. */
export const MISSED_HEARTBEATS = 3;

export interface HeartbeatOptions {
  /** Interval in ms; 0 disables heartbeats and idle detection. */
  readonly intervalMs: number;
  /** Default MISSED_HEARTBEATS x intervalMs. */
  readonly idleTimeoutMs?: number;
  /** Called when a heartbeat is due (client side); omit on the server. */
  readonly ping?: () => void;
  /** Called once when nothing was read for idleTimeoutMs. */
  readonly idle: (idleMs: number) => void;
}

export class Heartbeat {
  private lastRead = Date.now();
  private lastWrite = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly idleTimeoutMs: number;

  constructor(private readonly options: HeartbeatOptions) {
    this.idleTimeoutMs = options.idleTimeoutMs ?? MISSED_HEARTBEATS * options.intervalMs;
  }

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer !== undefined) return;
    // Java checks three times per interval (HEARTBEAT_CHECK_TICK), so a heartbeat is at most a third late.
    const tick = Math.max(10, Math.floor(Math.min(this.options.intervalMs, this.idleTimeoutMs) / 3));
    this.timer = setInterval(() => this.check(), tick);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  read(): void {
    this.lastRead = Date.now();
  }

  wrote(): void {
    this.lastWrite = Date.now();
  }

  private check(): void {
    const now = Date.now();
    const idleRead = now - this.lastRead;
    if (idleRead >= this.idleTimeoutMs) {
      this.stop();
      this.options.idle(idleRead);
      return;
    }
    const ping = this.options.ping;
    if (
      ping !== undefined &&
      (idleRead >= this.options.intervalMs || now - this.lastWrite >= this.options.intervalMs)
    ) {
      this.lastWrite = now;
      ping();
    }
  }
}
