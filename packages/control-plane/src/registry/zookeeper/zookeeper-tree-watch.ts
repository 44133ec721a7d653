// The part of a ZooKeeper registry the mesh needs, kept current with ZooKeeper watches:
// `/dubbo` children -> each `/dubbo/<interface>/providers` children (Dubbo URLs), and `/services`
// children -> each `/services/<app>` children and their data (Curator instance JSON), plus the
// MetadataInfo of instances that store it in ZooKeeper (`remote`), for their version and group.
//
// Only ZooKeeper's answers change the state: a read that fails (connection lost, timeout) leaves the
// last known providers in place, so an outage never empties the mesh. Watches are one-shot; every
// notification re-reads its node, which re-arms the watch. Reads of one node are coalesced (one in
// flight, at most one more queued) so a burst of notifications costs two reads, not one per event.
import {
  type DubboUrl,
  decodeInstance,
  decodeMetadata,
  type Logger,
  type MetadataInfo,
  type ServiceInstance,
  urlFromNodeName,
  type ZkSession,
} from "@dubbo-mesh/registry-zookeeper";
import type { ZookeeperTree } from "./mesh-instances.js";

type WatchEvent = "created" | "deleted" | "data" | "children";

/** Children of `/dubbo` that are not interfaces (mapping, metadata report, config center). */
const NOT_INTERFACES = new Set(["mapping", "metadata", "config"]);
/** A read that failed on a live session (not an outage: those are retried on reconnection). */
const RETRY_MS = 1_000;

export interface TreePaths {
  /** Interface-level root (default `/dubbo`). */
  readonly root: string;
  /** Application-level instances root (default `/services`). */
  readonly services: string;
}

export class ZookeeperTreeWatch implements ZookeeperTree {
  readonly providers = new Map<string, readonly DubboUrl[]>();
  readonly instances = new Map<string, readonly ServiceInstance[]>();
  readonly metadata = new Map<string, MetadataInfo>();
  private readonly knownInterfaces = new Set<string>();
  private readonly knownApps = new Set<string>();
  /** Stable watcher per path: node-zookeeper-client then keeps one registration per path, not one per read. */
  private readonly watchers = new Map<string, (event: WatchEvent) => void>();
  /** key -> whether another read was asked for while one is in flight. */
  private readonly reading = new Map<string, boolean>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopConnected: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly session: ZkSession,
    private readonly paths: TreePaths,
    private readonly onChange: () => void,
    private readonly logger: Logger,
  ) {}

  start(): void {
    // After a reconnection or a new session, watches may have been lost and notifications missed:
    // read everything again (the results replace the last known state only where ZooKeeper answered).
    this.stopConnected = this.session.onConnected(() => this.refresh());
    this.refresh();
  }

  close(): void {
    this.closed = true;
    this.stopConnected?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private refresh(): void {
    this.read(this.paths.root, () => this.readInterfaces(true));
    this.read(this.paths.services, () => this.readApps(true));
  }

  private async readInterfaces(all: boolean): Promise<void> {
    const root = this.paths.root;
    const children = await this.session.getChildren(
      root,
      this.watcher(root, () => this.read(root, () => this.readInterfaces(false))),
    );
    const names = new Set((children ?? []).filter((n) => !NOT_INTERFACES.has(n)));
    let changed = false;
    for (const n of [...this.knownInterfaces])
      if (!names.has(n)) {
        this.knownInterfaces.delete(n);
        changed = this.providers.delete(n) || changed;
      }
    for (const n of names) {
      if (!all && this.knownInterfaces.has(n)) continue; // its own watch keeps it current
      this.knownInterfaces.add(n);
      const path = `${root}/${n}/providers`;
      this.read(path, () => this.readProviders(n, path));
    }
    if (changed) this.onChange();
  }

  private async readProviders(iface: string, path: string): Promise<void> {
    const children = await this.session.getChildren(
      path,
      this.watcher(path, () => this.read(path, () => this.readProviders(iface, path))),
    );
    if (this.closed || !this.knownInterfaces.has(iface)) return;
    const urls: DubboUrl[] = [];
    for (const name of children ?? []) {
      const url = urlFromNodeName(name);
      if (url !== undefined) urls.push(url);
    }
    if (urls.length === 0) this.providers.delete(iface);
    else this.providers.set(iface, urls);
    this.onChange();
  }

  private async readApps(all: boolean): Promise<void> {
    const root = this.paths.services;
    const children = await this.session.getChildren(
      root,
      this.watcher(root, () => this.read(root, () => this.readApps(false))),
    );
    const names = new Set(children ?? []);
    let changed = false;
    for (const app of [...this.knownApps])
      if (!names.has(app)) {
        this.knownApps.delete(app);
        changed = this.instances.delete(app) || changed;
      }
    for (const app of names) {
      if (!all && this.knownApps.has(app)) continue;
      this.knownApps.add(app);
      const path = `${root}/${app}`;
      this.read(path, () => this.readApp(app, path));
    }
    if (changed) this.onChange();
  }

  /** All instances of one app; a data watch per instance catches re-registrations (new revision). */
  private async readApp(app: string, path: string): Promise<void> {
    const again = () => this.read(path, () => this.readApp(app, path));
    const children = await this.session.getChildren(path, this.watcher(path, again));
    const list: ServiceInstance[] = [];
    for (const id of children ?? []) {
      const node = await this.session.getData(`${path}/${id}`, this.watcher(`${path}/${id}`, again));
      const si = node === undefined ? undefined : decodeInstance(node.data.toString("utf8"));
      if (si === undefined) continue;
      list.push(si);
      await this.readMetadata(app, si);
    }
    if (this.closed || !this.knownApps.has(app)) return;
    if (list.length === 0) this.instances.delete(app);
    else this.instances.set(app, list);
    this.onChange();
  }

  /** MetadataInfo nodes are content-addressed (named by revision): read once, never watched. */
  private async readMetadata(app: string, si: ServiceInstance): Promise<void> {
    const revision = si.metadata["dubbo.metadata.revision"];
    if (revision === undefined || si.metadata["dubbo.metadata.storage-type"] !== "remote") return;
    const key = `${app}/${revision}`;
    if (this.metadata.has(key)) return;
    const node = await this.session.getData(`${this.paths.root}/metadata/${app}/${revision}`);
    const info = node === undefined ? undefined : decodeMetadata(node.data.toString("utf8"));
    if (info !== undefined) this.metadata.set(key, info);
  }

  private watcher(path: string, onEvent: () => void): (event: WatchEvent) => void {
    let w = this.watchers.get(path);
    if (w === undefined) {
      w = () => {
        if (!this.closed) onEvent();
      };
      this.watchers.set(path, w);
    }
    return w;
  }

  /** Runs `work` for `key`, coalescing: while one run is in flight, later asks collapse into one more. */
  private read(key: string, work: () => Promise<void>): void {
    if (this.closed) return;
    if (this.reading.has(key)) {
      this.reading.set(key, true);
      return;
    }
    this.reading.set(key, false);
    void (async () => {
      for (;;) {
        try {
          await work();
        } catch (error) {
          if (this.closed) break;
          // Keep the last known state. An outage is re-read on reconnection; anything else, soon.
          this.logger.debug?.(`ZooKeeper sync: reading ${key} failed: ${String(error)}`);
          if (this.session.connected) this.retryLater(key, work);
        }
        if (this.closed || this.reading.get(key) !== true) break;
        this.reading.set(key, false);
      }
      this.reading.delete(key);
    })();
  }

  private retryLater(key: string, work: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.read(key, work);
    }, RETRY_MS);
    t.unref();
    this.timers.add(t);
  }
}
