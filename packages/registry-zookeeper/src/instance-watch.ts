import type { Endpoint } from "@dubbo-mesh/dubbo";
import { canonical, endpointFromInstance, sameEndpoints } from "./endpoints.js";
import type { Logger } from "./logger.js";
import { errorText } from "./logger.js";
import { parseMapping } from "./mapping.js";
import type { MetadataInfo } from "./metadata.js";
import type { MetadataStore } from "./metadata-store.js";
import type { RegistryPaths } from "./paths.js";
import { queryInterfaces, type ResolvedQuery } from "./registration.js";
import { decodeInstance, REVISION_KEY, type ServiceInstance } from "./service-instance.js";
import { isServiceKeyMatch, type MatchQuery } from "./url-match.js";
import type { WatchHub } from "./watch-hub.js";

export interface InstanceWatchOptions {
  /** Apps to use instead of the mapping, per interface (Dubbo's `provided-by`). */
  readonly providedBy?: Readonly<Record<string, readonly string[]>>;
  /** Re-fetch metadata that could not be had after this long (Dubbo retries every 10 s). */
  readonly metadataRetryMs: number;
  readonly logger: Logger;
}

/**
 * The instances of one application (`/services/<app>`), shared by every query that maps to the app.
 * Listeners get the instance list only once the folder and every instance node in it have been read,
 * and only when it changed.
 */
class AppInstances {
  readonly listeners = new Set<(instances: readonly ServiceInstance[]) => void>();
  snapshot: readonly ServiceInstance[] | undefined;
  private ids: readonly string[] | undefined;
  private readonly instances = new Map<string, ServiceInstance | null>();
  private readonly offData = new Map<string, () => void>();
  private readonly offChildren: () => void;
  private fingerprint = "";

  constructor(
    private readonly hub: WatchHub,
    private readonly paths: RegistryPaths,
    readonly app: string,
  ) {
    this.offChildren = hub.watchChildren(paths.instances(app), (children) => this.onChildren(children ?? []));
  }

  private onChildren(children: readonly string[]): void {
    this.ids = children;
    for (const [id, off] of this.offData) {
      if (!children.includes(id)) {
        off();
        this.offData.delete(id);
        this.instances.delete(id);
      }
    }
    for (const id of children) {
      if (this.offData.has(id)) continue;
      const path = `${this.paths.instances(this.app)}/${id}`;
      this.offData.set(
        id,
        this.hub.watchData(path, (data) => {
          this.instances.set(id, data === undefined ? null : (decodeInstance(data.toString("utf8")) ?? null));
          this.emit();
        }),
      );
    }
    this.emit();
  }

  private emit(): void {
    const ids = this.ids;
    if (ids === undefined || !ids.every((id) => this.instances.has(id))) return; // not all read yet
    const list = ids.map((id) => this.instances.get(id)).filter((i): i is ServiceInstance => i != null);
    const fingerprint = JSON.stringify(list.map((i) => [i.id, i.address, i.port, i.metadata]));
    if (this.snapshot !== undefined && fingerprint === this.fingerprint) return;
    this.fingerprint = fingerprint;
    this.snapshot = list;
    for (const l of [...this.listeners]) l(list);
  }

  close(): void {
    this.offChildren();
    for (const off of this.offData.values()) off();
    this.offData.clear();
  }
}

/**
 * Application-level discovery, as a Dubbo 3 consumer does it: interface -> apps (mapping node, or
 * provided-by) -> instances (`/services/<app>`) -> MetadataInfo per revision -> the services that match
 * the query. Like Dubbo's ServiceInstancesChangedListener, a notification in which no revision's
 * metadata could be fetched is not passed on (it would empty the list for a metadata hiccup), and
 * missing metadata is fetched again later.
 */
export class InstanceWatcher {
  private readonly apps = new Map<string, { instances: AppInstances; users: number }>();

  constructor(
    private readonly hub: WatchHub,
    private readonly metadata: MetadataStore,
    private readonly paths: RegistryPaths,
    private readonly options: InstanceWatchOptions,
  ) {}

  /** `complete` is false when some revision's metadata could not be had (its instances are left out). */
  watch(q: ResolvedQuery, listener: (endpoints: Endpoint[], complete: boolean) => void): () => void {
    const match: MatchQuery = {
      interfaces: queryInterfaces(q),
      group: q.query.group,
      version: q.query.version,
      protocol: q.query.protocol,
    };
    const subscriptions = new Map<string, () => void>();
    const snapshots = new Map<string, readonly ServiceInstance[]>();
    let appNames: readonly string[] | undefined;
    let last: Endpoint[] | undefined;
    let lastComplete = false;
    let generation = 0;
    let retryTimer: NodeJS.Timeout | undefined;
    let closed = false;

    const recompute = async () => {
      if (closed || appNames === undefined || !appNames.every((a) => snapshots.has(a))) return;
      const gen = ++generation;
      clearTimeout(retryTimer);
      const byRevision = new Map<string, { app: string; revision: string; instances: ServiceInstance[] }>();
      for (const app of appNames) {
        for (const instance of snapshots.get(app) ?? []) {
          const revision = instance.metadata[REVISION_KEY];
          if (!revision || revision === "0") continue; // an instance without services (EMPTY_REVISION)
          const key = `${app}\u0000${revision}`;
          let group = byRevision.get(key);
          if (group === undefined) {
            group = { app, revision, instances: [] };
            byRevision.set(key, group);
          }
          group.instances.push(instance);
        }
      }
      const groups = [...byRevision.values()];
      const infos = await Promise.all(
        groups.map((g) =>
          this.metadata.load(g.instances[0]!, g.revision).catch((error: unknown) => {
            this.options.logger.debug?.(`metadata ${g.app}@${g.revision}: ${errorText(error)}`);
            return undefined;
          }),
        ),
      );
      if (closed || gen !== generation) return; // superseded by a newer notification
      const failed = infos.filter((i) => i === undefined).length;
      if (failed > 0) {
        retryTimer = setTimeout(run, this.options.metadataRetryMs);
        retryTimer.unref();
        if (failed === groups.length) return; // keep what we had rather than report a metadata outage as "no providers"
      }
      const endpoints: Endpoint[] = [];
      groups.forEach((g, i) => {
        const info = infos[i];
        if (info !== undefined) endpoints.push(...endpointsOf(g.instances, info, match));
      });
      const list = canonical(endpoints);
      const complete = failed === 0;
      if (sameEndpoints(last, list) && complete === lastComplete) return;
      last = list;
      lastComplete = complete;
      listener(list, complete);
    };

    const run = () => {
      recompute().catch((error: unknown) =>
        this.options.logger.warn(`application-level update failed: ${errorText(error)}`),
      );
    };

    const setApps = (apps: readonly string[]) => {
      appNames = apps;
      for (const [app, off] of subscriptions) {
        if (!apps.includes(app)) {
          off();
          subscriptions.delete(app);
          snapshots.delete(app);
        }
      }
      for (const app of apps) {
        if (subscriptions.has(app)) continue;
        subscriptions.set(
          app,
          this.subscribeApp(app, (instances) => {
            snapshots.set(app, instances);
            run();
          }),
        );
      }
      run();
    };

    const provided =
      this.options.providedBy?.[q.registryInterface] ?? this.options.providedBy?.[q.query.interface];
    let offMapping = () => {};
    if (provided !== undefined) setApps(provided);
    else
      offMapping = this.hub.watchData(this.paths.mapping(q.registryInterface), (data) =>
        setApps(parseMapping(data)),
      );

    return () => {
      closed = true;
      clearTimeout(retryTimer);
      offMapping();
      for (const off of subscriptions.values()) off();
      subscriptions.clear();
    };
  }

  close(): void {
    for (const { instances } of this.apps.values()) instances.close();
    this.apps.clear();
  }

  private subscribeApp(app: string, listener: (instances: readonly ServiceInstance[]) => void): () => void {
    let entry = this.apps.get(app);
    if (entry === undefined) {
      entry = { instances: new AppInstances(this.hub, this.paths, app), users: 0 };
      this.apps.set(app, entry);
    }
    entry.users++;
    entry.instances.listeners.add(listener);
    const snapshot = entry.instances.snapshot;
    if (snapshot !== undefined) queueMicrotask(() => listener(snapshot));
    const e = entry;
    return () => {
      e.instances.listeners.delete(listener);
      if (--e.users === 0) {
        e.instances.close();
        this.apps.delete(app);
      }
    };
  }
}

function endpointsOf(
  instances: readonly ServiceInstance[],
  info: MetadataInfo,
  match: MatchQuery,
): Endpoint[] {
  const out: Endpoint[] = [];
  for (const service of Object.values(info.services)) {
    if (!isServiceKeyMatch(match, service)) continue;
    for (const instance of instances) {
      const endpoint = endpointFromInstance(instance, service);
      if (endpoint !== undefined) out.push(endpoint);
    }
  }
  return out;
}
