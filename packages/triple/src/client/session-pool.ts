import type { SecureClientSessionOptions } from "node:http2";
import http2 from "node:http2";
import { Code } from "../protocol/code.js";
import { RpcError } from "../protocol/rpc-error.js";
import { Backoff, type BackoffOptions } from "./backoff.js";

export interface SessionPoolOptions {
  /** Send a PING after this long without one (ms; default 30 000; 0 disables keepalive). */
  pingIntervalMs?: number;
  /** Close the connection if a PING is not answered in time (default 15 000 ms). */
  pingTimeoutMs?: number;
  /** Close a connection that carried no call for this long (default 300 000 ms). */
  idleTimeoutMs?: number;
  /** Fail a connection attempt after this long (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** Reconnect backoff after a failed connection attempt. */
  backoff?: BackoffOptions;
  /** TLS options for https:// targets (ca, cert, key, servername, rejectUnauthorized). */
  tls?: SecureClientSessionOptions;
}

/** One HTTP/2 connection and what the pool knows about it. */
export class PooledSession {
  active = 0;
  /** GOAWAY received or the connection broke: no new calls go here. */
  closing = false;
  /** Highest stream id the server said it will process (from GOAWAY). */
  goawayLastStreamId = Number.POSITIVE_INFINITY;
  connected = false;
  lastError: Error | undefined;
  /** When `active` last dropped to 0 (or the connection opened). */
  lastUsed = Date.now();

  constructor(readonly session: http2.ClientHttp2Session) {}

  get maxStreams(): number {
    return this.session.remoteSettings?.maxConcurrentStreams ?? 100;
  }
}

/**
 * HTTP/2 connections to one authority. Calls share a connection until the server's
 * max-concurrent-streams is reached, then a new one opens. A connection that fails to connect puts
 * the pool in backoff: calls fail fast with UNAVAILABLE (gRPC's TRANSIENT_FAILURE without
 * wait-for-ready) until the next attempt is due, so the SDK's failover can move on at once.
 */
export class SessionPool {
  private readonly sessions: PooledSession[] = [];
  private readonly backoff: Backoff;
  private retryAt = 0;
  private lastConnectError: Error | undefined;
  private closed = false;
  private keepaliveTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly origin: string,
    private readonly options: SessionPoolOptions = {},
  ) {
    this.backoff = new Backoff(options.backoff);
  }

  /** A connection with a free stream slot; opens one if needed. Throws UNAVAILABLE during backoff. */
  acquire(): PooledSession {
    if (this.closed) throw new RpcError(Code.Unavailable, `transport to ${this.origin} is closed`);
    const list = this.sessions;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      if (!s.closing && s.active < s.maxStreams) {
        if (s.active++ === 0) s.session.ref();
        return s;
      }
    }
    const now = Date.now();
    if (now < this.retryAt) {
      throw new RpcError(
        Code.Unavailable,
        `connection to ${this.origin} failed: ${this.lastConnectError?.message ?? "unknown error"}; next attempt in ${this.retryAt - now} ms`,
      );
    }
    const s = this.open();
    s.active++;
    s.session.ref();
    return s;
  }

  release(s: PooledSession): void {
    if (--s.active > 0) return;
    // A connection keeps the process alive only while it carries calls (an idle pool must not).
    s.session.unref();
    // Idle time counts from the last call's end (only read while no call is active).
    s.lastUsed = Date.now();
    if (s.closing) s.session.close();
  }

  private open(): PooledSession {
    const session = http2.connect(this.origin, {
      ...this.options.tls,
      settings: { enablePush: false },
    });
    const pooled = new PooledSession(session);
    this.sessions.push(pooled);
    const connectTimeout = setTimeout(() => {
      if (!pooled.connected)
        session.destroy(new Error(`connect timeout after ${this.options.connectTimeoutMs ?? 10_000} ms`));
    }, this.options.connectTimeoutMs ?? 10_000);
    connectTimeout.unref();
    session.once("connect", () => {
      clearTimeout(connectTimeout);
      pooled.connected = true;
      this.backoff.reset();
      this.retryAt = 0;
    });
    session.on("error", (e) => {
      pooled.lastError = e;
      if (!pooled.connected) {
        this.lastConnectError = e;
        this.retryAt = Date.now() + this.backoff.next();
      }
    });
    session.on("goaway", (_code, lastStreamId) => {
      pooled.closing = true;
      pooled.goawayLastStreamId = lastStreamId;
    });
    session.once("close", () => {
      clearTimeout(connectTimeout);
      pooled.closing = true;
      const i = this.sessions.indexOf(pooled);
      if (i >= 0) this.sessions.splice(i, 1);
    });
    session.unref();
    this.ensureKeepalive();
    return pooled;
  }

  /** One timer for the pool: PINGs busy-or-not connections, closes idle ones. */
  private ensureKeepalive(): void {
    if (this.keepaliveTimer !== undefined) return;
    const interval = this.options.pingIntervalMs ?? 30_000;
    const idle = this.options.idleTimeoutMs ?? 300_000;
    const tick = Math.max(100, Math.min(interval > 0 ? interval : idle, idle));
    this.keepaliveTimer = setInterval(() => {
      const now = Date.now();
      for (const s of this.sessions) {
        if (s.closing || !s.connected) continue;
        if (s.active === 0 && now - s.lastUsed >= idle) {
          s.closing = true;
          s.session.close();
          continue;
        }
        if (interval > 0) this.ping(s);
      }
      if (this.sessions.length === 0) {
        clearInterval(this.keepaliveTimer);
        this.keepaliveTimer = undefined;
      }
    }, tick);
    this.keepaliveTimer.unref();
  }

  private ping(s: PooledSession): void {
    const timeoutMs = this.options.pingTimeoutMs ?? 15_000;
    const timer = setTimeout(() => {
      s.closing = true;
      s.session.destroy(new Error(`keepalive PING not answered within ${timeoutMs} ms`));
    }, timeoutMs);
    timer.unref();
    try {
      s.session.ping((err) => {
        clearTimeout(timer);
        if (err) s.lastError = err;
      });
    } catch {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.keepaliveTimer !== undefined) clearInterval(this.keepaliveTimer);
    await Promise.all(
      this.sessions.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.session.closed || s.session.destroyed) return resolve();
            // close() waits for open streams; a session still connecting or holding a stuck stream
            // must not keep the caller waiting forever.
            const timer = setTimeout(() => {
              s.session.destroy();
              resolve();
            }, 2000);
            timer.unref();
            s.session.close(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }
}
