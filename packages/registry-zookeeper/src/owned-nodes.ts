import { errorText } from "./logger.js";
import { parentOf } from "./paths.js";
import { isZkError } from "./zk-error.js";
import type { ZkSession } from "./zk-session.js";

/** An ephemeral node we want to exist while we run, and what must be in place before it (mapping, metadata). */
export interface OwnedNode {
  readonly path: string;
  readonly data: Buffer;
  /** Persistent prerequisites, re-run on every new session since ZooKeeper may have lost them too. */
  readonly prepare?: () => Promise<void>;
}

const RETRY_MS = 2_000;

/**
 * The ephemeral nodes this process owns (provider URLs, consumer URLs, instance nodes). ZooKeeper
 * deletes them when our session ends, so they are kept as desired state and written again on every
 * new session (Dubbo's FailbackRegistry "recover" does the same). Writes to one path are serialised;
 * a write that fails is retried on reconnection and on a timer until it lands or is withdrawn.
 */
export class OwnedNodes {
  private readonly desired = new Map<string, OwnedNode>();
  private readonly failed = new Set<string>();
  /** Withdrawn nodes whose deletion failed: retried like failed writes, so an unregister is not lost either. */
  private readonly undeleted = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly offConnected: () => void;

  constructor(private readonly session: ZkSession) {
    this.offConnected = session.onConnected(({ newSession }) => {
      const paths = newSession ? [...this.desired.keys()] : [...this.failed];
      for (const path of paths) void this.sync(path).catch(() => {});
      this.retryDeletes();
    });
  }

  /** Records the node as wanted and writes it; rejects if this attempt failed (it stays wanted and is retried). */
  put(node: OwnedNode): Promise<void> {
    this.desired.set(node.path, node);
    return this.sync(node.path);
  }

  /** Withdraws the node and deletes it from ZooKeeper (retried, like a write, if that fails now). */
  async delete(path: string): Promise<void> {
    this.desired.delete(path);
    this.failed.delete(path);
    try {
      await this.enqueue(path, async () => {
        if (this.desired.has(path)) return; // put() again meanwhile
        const stat = await this.session.exists(path);
        // Leave nodes of other sessions alone: another process may own the same name now.
        if (
          stat !== undefined &&
          (stat.ephemeralOwner.every((b) => b === 0) || this.session.ownsEphemeral(stat))
        ) {
          await this.session.remove(path);
        }
      });
      this.undeleted.delete(path);
    } catch (error) {
      if (!this.desired.has(path)) {
        this.undeleted.add(path);
        this.scheduleRetry();
      }
      throw error;
    }
  }

  paths(): string[] {
    return [...this.desired.keys()];
  }

  close(): void {
    this.offConnected();
    clearTimeout(this.retryTimer);
  }

  private sync(path: string): Promise<void> {
    return this.enqueue(path, async () => {
      const node = this.desired.get(path);
      if (node === undefined) return;
      try {
        await this.session.waitConnected();
        await node.prepare?.();
        await this.writeEphemeral(node);
        this.failed.delete(path);
      } catch (error) {
        this.failed.add(path);
        this.scheduleRetry();
        this.session.logger.warn(`could not write ${path}: ${errorText(error)} (will retry)`);
        throw error;
      }
    });
  }

  private async writeEphemeral(node: OwnedNode): Promise<void> {
    await this.session.ensurePath(parentOf(node.path));
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.session.create(node.path, node.data, "ephemeral");
        return;
      } catch (error) {
        if (!isZkError(error, "NODE_EXISTS")) throw error;
      }
      const existing = await this.session.getData(node.path);
      if (existing === undefined) continue; // vanished meanwhile: create again
      if (this.session.ownsEphemeral(existing.stat)) {
        if (!existing.data.equals(node.data))
          await this.session.setData(node.path, node.data, existing.stat.version);
        return;
      }
      // A leftover of an earlier session of ours (or of a process that had our address before us): it
      // would vanish when that session times out, taking our registration with it. Replace it, as Dubbo does.
      await this.session.remove(node.path, existing.stat.version).catch((e: unknown) => {
        if (!isZkError(e, "NO_NODE") && !isZkError(e, "BAD_VERSION")) throw e;
      });
    }
    throw new Error(`${node.path} kept being re-created by someone else`);
  }

  private enqueue(path: string, task: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(path) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(task);
    const tail = next.catch(() => {});
    this.queues.set(path, tail);
    void tail.then(() => {
      if (this.queues.get(path) === tail) this.queues.delete(path);
    });
    return next;
  }

  private retryDeletes(): void {
    for (const path of [...this.undeleted]) void this.delete(path).catch(() => {});
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.session.connected) return; // onConnected picks them up
      for (const path of [...this.failed]) void this.sync(path).catch(() => {});
      this.retryDeletes();
    }, RETRY_MS);
    this.retryTimer.unref();
  }
}
