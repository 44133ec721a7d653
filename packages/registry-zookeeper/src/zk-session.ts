import type { Socket } from "node:net";
import zookeeper, { type Client, type Event, type Stat } from "node-zookeeper-client";
import { consoleLogger, type Logger } from "./logger.js";
import { isZkError, toZkError, ZkError } from "./zk-error.js";

export interface ZkSessionOptions {
  /** ZooKeeper connect string: `host:port[,host:port...][/chroot]`. */
  address: string;
  /** Session timeout asked of the server (default 30 000 ms; the server clamps it to its min/max). */
  sessionTimeoutMs?: number;
  /** A single request fails with TIMEOUT after this long (default 15 000 ms); ZooKeeper itself never times out a queued request. */
  operationTimeoutMs?: number;
  logger?: Logger;
}

export type ZkSessionState = "connecting" | "connected" | "disconnected" | "closed";

/** Called on every (re)connection; `newSession` is true when ZooKeeper gave us a new session (first connect or after expiry). */
export type ConnectedListener = (info: { newSession: boolean }) => void;

export type NodeMode = "persistent" | "ephemeral";

/** One watch notification, reduced to what callers act on. */
export type WatchEvent = "created" | "deleted" | "data" | "children";

/**
 * A ZooKeeper connection that outlives its sessions. node-zookeeper-client reconnects by itself while
 * the session is alive (and re-arms its watches with SetWatches), but once the server says the session
 * expired the client is dead for good: here that is the moment to build a fresh client, and listeners
 * learn about it through `onConnected({ newSession: true })` so they can re-create ephemeral nodes and
 * re-set watches.
 */
export class ZkSession {
  private client: Client;
  private currentState: ZkSessionState = "connecting";
  private lastSessionId = "";
  private closing = false;
  private lostTimer: NodeJS.Timeout | undefined;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private readonly connectedListeners = new Set<ConnectedListener>();
  private readonly disconnectedListeners = new Set<() => void>();
  private readonly waiters = new Set<(error?: Error) => void>();
  readonly sessionTimeoutMs: number;
  readonly operationTimeoutMs: number;
  readonly logger: Logger;
  /** Bumped on every new session, so work started under an old session can tell it is stale. */
  generation = 0;

  constructor(readonly options: ZkSessionOptions) {
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 30_000;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 15_000;
    this.logger = options.logger ?? consoleLogger;
    this.client = this.newClient();
  }

  get state(): ZkSessionState {
    return this.currentState;
  }

  get connected(): boolean {
    return this.currentState === "connected";
  }

  /** The current session's id (hex) and password: diagnostics, and tests that expire a session on purpose. */
  credentials(): { id: Buffer; password: Buffer } {
    return { id: this.client.getSessionId(), password: this.client.getSessionPassword() };
  }

  onConnected(listener: ConnectedListener): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  onDisconnected(listener: () => void): () => void {
    this.disconnectedListeners.add(listener);
    return () => this.disconnectedListeners.delete(listener);
  }

  /** Resolves once connected; rejects with TIMEOUT after `timeoutMs` (default: the operation timeout). */
  waitConnected(timeoutMs = this.operationTimeoutMs): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.closing) return Promise.reject(new ZkError("CLOSED", "/", "the ZooKeeper session is closed"));
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(done);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => {
        done(
          new ZkError(
            "TIMEOUT",
            "/",
            `not connected to ZooKeeper ${this.options.address} within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(done);
    });
  }

  async create(path: string, data: Buffer, mode: NodeMode): Promise<void> {
    const createMode =
      mode === "ephemeral" ? zookeeper.CreateMode.EPHEMERAL : zookeeper.CreateMode.PERSISTENT;
    await this.call<string>(path, (client, cb) => client.create(path, data, createMode, cb));
  }

  /** Creates `path` and its missing parents as empty persistent nodes; existing nodes are left alone. */
  async ensurePath(path: string): Promise<void> {
    await this.call<string>(path, (client, cb) => client.mkdirp(path, cb));
  }

  /** The node's data and stat, or undefined if it does not exist (the watcher then fires on creation). */
  async getData(
    path: string,
    watcher?: (event: WatchEvent) => void,
  ): Promise<{ data: Buffer; stat: Stat } | undefined> {
    for (;;) {
      try {
        return await this.call<{ data: Buffer; stat: Stat }>(path, (client, cb) => {
          const done = (e: unknown, data: Buffer, stat: Stat) =>
            cb(e, { data: data ?? Buffer.alloc(0), stat });
          if (watcher) client.getData(path, adapt(watcher), done);
          else client.getData(path, done);
        });
      } catch (error) {
        if (!isZkError(error, "NO_NODE")) throw error;
        // getData arms no watch on a missing node: watch its creation instead. If it appeared in between,
        // read it again rather than report a node that exists as missing.
        if (!watcher || (await this.exists(path, watcher)) === undefined) return undefined;
      }
    }
  }

  /** The children's names, or undefined if the node does not exist (the watcher then fires on creation). */
  async getChildren(path: string, watcher?: (event: WatchEvent) => void): Promise<string[] | undefined> {
    for (;;) {
      try {
        return await this.call<string[]>(path, (client, cb) => {
          const done = (e: unknown, children: string[]) => cb(e, children ?? []);
          if (watcher) client.getChildren(path, adapt(watcher), done);
          else client.getChildren(path, done);
        });
      } catch (error) {
        if (!isZkError(error, "NO_NODE")) throw error;
        if (!watcher || (await this.exists(path, watcher)) === undefined) return undefined;
      }
    }
  }

  async exists(path: string, watcher?: (event: WatchEvent) => void): Promise<Stat | undefined> {
    const stat = await this.call<Stat | undefined>(path, (client, cb) => {
      const done = (e: unknown, s: Stat) => cb(e, s ?? undefined);
      if (watcher) client.exists(path, adapt(watcher), done);
      else client.exists(path, done);
    });
    // The watcher armed on a missing node fires on its creation; on an existing one, on change or deletion.
    return stat ?? undefined;
  }

  /** Sets the data if the node's version still is `version` (-1: any version). */
  async setData(path: string, data: Buffer, version = -1): Promise<Stat> {
    return this.call<Stat>(path, (client, cb) => client.setData(path, data, version, cb));
  }

  /** Deletes the node; false if it was already gone. */
  async remove(path: string, version = -1): Promise<boolean> {
    try {
      await this.call<void>(path, (client, cb) => client.remove(path, version, (e) => cb(e, undefined)));
      return true;
    } catch (error) {
      if (isZkError(error, "NO_NODE")) return false;
      throw error;
    }
  }

  /** True if the node is an ephemeral node of this very session (and not a leftover of an older one). */
  ownsEphemeral(stat: Stat): boolean {
    return Buffer.from(stat.ephemeralOwner).equals(this.client.getSessionId());
  }

  /** Ends the session: ZooKeeper deletes its ephemeral nodes at once instead of after the session timeout. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.lostTimer);
    clearInterval(this.handshakeTimer);
    const client = this.client;
    if (this.connected) {
      const closed = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000); // the server went away meanwhile: do not wait for it
        client.once("disconnected", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      client.close();
      await closed;
    }
    retire(client);
    this.setState("closed");
    const closedError = new ZkError("CLOSED", "/", "the ZooKeeper session is closed");
    for (const waiter of [...this.waiters]) waiter(closedError);
  }

  private newClient(): Client {
    const client = zookeeper.createClient(this.options.address, {
      sessionTimeout: this.sessionTimeoutMs,
      spinDelay: 500,
      retries: 0,
    });
    client.on("state", (state) => this.onClientState(client, state));
    client.connect();
    this.watchHandshake(client);
    return client;
  }

  /**
   * node-zookeeper-client stops its connect timer once TCP is up, and has none for the session
   * handshake that follows. A server that accepts the connection but never answers (seen with
   * ZooKeeper 3.8 right after a restart) would hold the client forever, so while not connected we
   * drop a socket whose handshake takes longer than a few seconds; the client then tries again.
   */
  private watchHandshake(client: Client): void {
    clearInterval(this.handshakeTimer);
    const limitMs = Math.min(Math.max(1_000, this.sessionTimeoutMs / 3), 5_000);
    let socket: Socket | undefined;
    let since = 0;
    this.handshakeTimer = setInterval(() => {
      if (client !== this.client || this.closing || this.connected) return;
      const current = (client as unknown as ClientInternals).connectionManager?.socket;
      if (current === undefined || current.connecting || current.destroyed) {
        socket = undefined;
        return;
      }
      if (current !== socket) {
        socket = current;
        since = Date.now();
      } else if (Date.now() - since > limitMs) {
        this.logger.debug?.(
          `ZooKeeper ${this.options.address} accepted but did not answer the handshake in ${limitMs} ms; reconnecting`,
        );
        socket = undefined;
        current.destroy();
      }
    }, 250);
    this.handshakeTimer.unref();
  }

  private onClientState(client: Client, state: zookeeper.State): void {
    if (client !== this.client || this.closing) return;
    this.logger.debug?.(`ZooKeeper ${this.options.address}: ${state.name}`);
    if (state === zookeeper.State.SYNC_CONNECTED || state === zookeeper.State.CONNECTED_READ_ONLY) {
      const id = client.getSessionId().toString("hex");
      const newSession = id !== this.lastSessionId;
      this.lastSessionId = id;
      if (newSession) this.generation++;
      clearTimeout(this.lostTimer);
      this.lostTimer = undefined;
      this.setState("connected");
      for (const waiter of [...this.waiters]) waiter();
      for (const listener of [...this.connectedListeners])
        safely(this.logger, () => listener({ newSession }));
    } else if (state === zookeeper.State.DISCONNECTED) {
      const wasConnected = this.connected;
      this.setState("disconnected");
      if (wasConnected) {
        this.armLostTimer(client);
        for (const listener of [...this.disconnectedListeners]) safely(this.logger, listener);
      }
    } else if (state === zookeeper.State.EXPIRED) {
      // The server dropped our session (and our ephemeral nodes and watches with it): this client cannot
      // recover, so start over with a new one. Listeners re-create what they own once it connects.
      this.logger.warn(`ZooKeeper session 0x${this.lastSessionId} expired; opening a new session`);
      this.setState("disconnected");
      this.replaceClient(client);
    } else if (state === zookeeper.State.AUTH_FAILED) {
      this.logger.warn(`ZooKeeper authentication failed for ${this.options.address}`);
    }
  }

  /**
   * A client that stays disconnected for a whole session timeout has lost its session, but it may never
   * be told so: a ZooKeeper that restarted without its data refuses clients that saw newer zxids than it
   * has, so they retry forever instead of hearing "expired". Like Curator, give up on the session then
   * and start a new one. (If the server did keep the session, its leftover ephemeral nodes are replaced
   * by OwnedNodes and time out on their own.)
   */
  private armLostTimer(client: Client): void {
    clearTimeout(this.lostTimer);
    const timeoutMs = client.getSessionTimeout() || this.sessionTimeoutMs;
    this.lostTimer = setTimeout(() => {
      this.lostTimer = undefined;
      if (client !== this.client || this.closing || this.connected) return;
      this.logger.warn(
        `no ZooKeeper connection for ${timeoutMs} ms: session 0x${this.lastSessionId} presumed expired; opening a new session`,
      );
      this.replaceClient(client);
    }, timeoutMs);
  }

  private replaceClient(old: Client): void {
    clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
    this.client = this.newClient();
    retire(old);
  }

  private setState(state: ZkSessionState): void {
    this.currentState = state;
  }

  /** Runs one node-zookeeper-client call against the current client, with a deadline and typed errors. */
  private call<T>(
    path: string,
    run: (client: Client, cb: (error: unknown, value: T) => void) => void,
  ): Promise<T> {
    if (this.closing) return Promise.reject(new ZkError("CLOSED", path, "the ZooKeeper session is closed"));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(
          new ZkError(
            "TIMEOUT",
            path,
            `ZooKeeper did not answer within ${this.operationTimeoutMs} ms (${path})`,
          ),
        );
      }, this.operationTimeoutMs);
      try {
        run(this.client, (error, value) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          if (error) reject(toZkError(error, path));
          else resolve(value);
        });
      } catch (error) {
        settled = true;
        clearTimeout(timer);
        reject(toZkError(error, path));
      }
    });
  }
}

const adapted = new WeakMap<(event: WatchEvent) => void, (event: Event) => void>();

/**
 * node-zookeeper-client keeps one registration per (path, function): handing it the same function for
 * the same watcher keeps a re-read after a reconnect from stacking up duplicate notifications.
 */
function adapt(watcher: (event: WatchEvent) => void): (event: Event) => void {
  let fn = adapted.get(watcher);
  if (fn === undefined) {
    fn = (event) => {
      switch (event.getType()) {
        case zookeeper.Event.NODE_CREATED:
          return watcher("created");
        case zookeeper.Event.NODE_DELETED:
          return watcher("deleted");
        case zookeeper.Event.NODE_DATA_CHANGED:
          return watcher("data");
        default:
          return watcher("children");
      }
    };
    adapted.set(watcher, fn);
  }
  return fn;
}

function safely(logger: Logger, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    logger.warn(`listener failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

interface ClientInternals {
  connectionManager?: { socket?: Socket; connect?: () => void };
}

/** node-zookeeper-client has no way to abort a connect attempt; reach its socket so close() cannot hang. */
function destroySocket(client: Client): void {
  (client as unknown as ClientInternals).connectionManager?.socket?.destroy();
}

/**
 * Shuts a client down for good. Closing a client that is between connection attempts is not enough:
 * its pending retry reconnects and, if the server refuses it, retries forever. So its reconnect entry
 * point is disabled before its socket is destroyed.
 */
function retire(client: Client): void {
  const manager = (client as unknown as ClientInternals).connectionManager;
  if (manager !== undefined) manager.connect = () => {};
  try {
    client.close();
  } catch {
    // Between connection attempts there is no socket, and close() throws writing its goodbye to it.
  }
  destroySocket(client);
}

export type { Stat };
