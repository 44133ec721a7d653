import { errorText } from "./logger.js";
import type { ZkSession } from "./zk-session.js";

/** Children of a node, or undefined when ZooKeeper confirmed the node does not exist. */
export type ChildrenListener = (children: readonly string[] | undefined) => void;
/** Data of a node, or undefined when ZooKeeper confirmed the node does not exist. */
export type DataListener = (data: Buffer | undefined) => void;

const RETRY_MS = 1_000;

/**
 * One ZooKeeper watch on one path, shared by every listener of that path. Listeners only ever see
 * values ZooKeeper answered: a lost connection, a timeout or an expired session leave the last
 * known value in place (and schedule a re-read), so a registry outage can never look like "all
 * providers are gone".
 */
class PathWatch<T> {
  readonly listeners = new Set<(value: T | undefined) => void>();
  known = false;
  value: T | undefined;
  /** The last read failed: re-read when the connection comes back. */
  stale = false;
  private running = false;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** One function per watch, so node-zookeeper-client registers it once per path however often we re-read. */
  private readonly onEvent = () => this.refresh();

  constructor(
    private readonly session: ZkSession,
    readonly path: string,
    private readonly read: (watcher: () => void) => Promise<T | undefined>,
    private readonly equals: (a: T | undefined, b: T | undefined) => boolean,
  ) {}

  /** Reads the path and re-arms the watch; reads never overlap, so results apply in order. */
  refresh(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    clearTimeout(this.retryTimer);
    this.read(this.onEvent)
      .then(
        (value) => {
          this.stale = false;
          const changed = !this.known || !this.equals(this.value, value);
          this.known = true;
          this.value = value;
          if (changed && !this.stopped) {
            for (const l of [...this.listeners]) {
              try {
                l(value);
              } catch (error) {
                // A listener's bug is not a ZooKeeper failure: report it, do not re-read because of it.
                this.session.logger.warn(`listener of ${this.path} failed: ${errorText(error)}`);
              }
            }
          }
        },
        (error: unknown) => {
          this.stale = true;
          if (this.stopped) return;
          if (this.session.connected) {
            this.session.logger.debug?.(`re-reading ${this.path} after: ${errorText(error)}`);
            this.retryTimer = setTimeout(() => this.refresh(), RETRY_MS);
          }
          // When disconnected, the hub re-reads on reconnection.
        },
      )
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
  }
}

/**
 * Shared watches for a session. On a new session every watch is re-read, since the server forgot all
 * of them; on a plain reconnection node-zookeeper-client re-arms them itself (SetWatches), so only the
 * reads that failed meanwhile are repeated.
 */
export class WatchHub {
  private readonly children = new Map<string, PathWatch<readonly string[]>>();
  private readonly data = new Map<string, PathWatch<Buffer>>();
  private readonly offConnected: () => void;

  constructor(private readonly session: ZkSession) {
    this.offConnected = session.onConnected(({ newSession }) => {
      for (const w of [...this.children.values(), ...this.data.values()]) {
        if (newSession || w.stale || !w.known) w.refresh();
      }
    });
  }

  watchChildren(path: string, listener: ChildrenListener): () => void {
    return this.subscribe(
      this.children,
      path,
      listener,
      (watcher) =>
        this.session.getChildren(path, watcher).then((c) => (c === undefined ? undefined : [...c].sort())),
      (a, b) =>
        a === undefined || b === undefined ? a === b : a.length === b.length && a.every((x, i) => x === b[i]),
    );
  }

  watchData(path: string, listener: DataListener): () => void {
    return this.subscribe(
      this.data,
      path,
      listener,
      (watcher) => this.session.getData(path, watcher).then((d) => d?.data),
      (a, b) => (a === undefined || b === undefined ? a === b : a.equals(b)),
    );
  }

  close(): void {
    this.offConnected();
    for (const w of [...this.children.values(), ...this.data.values()]) w.stop();
    this.children.clear();
    this.data.clear();
  }

  private subscribe<T>(
    table: Map<string, PathWatch<T>>,
    path: string,
    listener: (value: T | undefined) => void,
    read: (watcher: () => void) => Promise<T | undefined>,
    equals: (a: T | undefined, b: T | undefined) => boolean,
  ): () => void {
    let watch = table.get(path);
    if (watch === undefined) {
      watch = new PathWatch(this.session, path, read, equals);
      table.set(path, watch);
      watch.listeners.add(listener);
      watch.refresh();
    } else {
      watch.listeners.add(listener);
      if (watch.known) {
        const w = watch;
        // Late subscribers get the current value too, but never synchronously inside subscribe().
        queueMicrotask(() => {
          if (w.listeners.has(listener)) listener(w.value);
        });
      }
    }
    const w = watch;
    return () => {
      w.listeners.delete(listener);
      if (w.listeners.size === 0 && table.get(path) === w) {
        w.stop();
        table.delete(path);
      }
    };
  }
}
