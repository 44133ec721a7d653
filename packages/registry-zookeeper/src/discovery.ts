import type { Discovery, Endpoint, ServiceQuery, ServiceRegistration, WatchUpdate } from "@dubbo-mesh/dubbo";
import { mergeEndpoints } from "./endpoints.js";
import { InstanceRegistry } from "./instance-registry.js";
import { InstanceWatcher } from "./instance-watch.js";
import { type GovernanceUrls, InterfaceRegistry } from "./interface-registry.js";
import { localAddress } from "./local-address.js";
import { consoleLogger, errorText, type Logger } from "./logger.js";
import { MetadataStore } from "./metadata-store.js";
import { OwnedNodes } from "./owned-nodes.js";
import { RegistryPaths } from "./paths.js";
import { type ResolvedQuery, type ResolvedRegistration, registrationKey } from "./registration.js";
import { WatchHub } from "./watch-hub.js";
import { ZkSession } from "./zk-session.js";

/** Which layouts to write and read: Dubbo's `register-mode` (provider) and migration step (consumer). */
export type RegistryMode = "interface" | "instance" | "all";

export interface ZookeeperDiscoveryOptions {
  /** ZooKeeper connect string, e.g. "127.0.0.1:2181". Either this or `session`. */
  address?: string;
  /** An existing session to share (with a config source, say); it is not closed by close(). */
  session?: ZkSession;
  /** Root of the interface-level tree, the mapping and the metadata (Dubbo's registry group; default "/dubbo"). */
  rootPath?: string;
  /** Root of the application-level instances (default "/services"). */
  servicesPath?: string;
  /**
   * `interface`: Dubbo 2 layout only; `instance`: Dubbo 3 application-level only; `all`: write both
   * and read both (endpoints merged by protocol://host:port), which is Dubbo 3's default on the provider side.
   */
  mode: RegistryMode;
  sessionTimeoutMs?: number;
  operationTimeoutMs?: number;
  /**
   * Registry key per service name on the wire. Dubbo Java registers a protobuf service under its
   * generated Java interface (see `javaInterfaceName`), e.g. `{ "greet.v1.GreetService":
   * "org.dubbomesh.greet.v1.GreetService" }`; with the alias, registrations are found by Java consumers
   * and queries by the wire name find Java providers. A registration's `params.interface` overrides it.
   */
  interfaceAliases?: Readonly<Record<string, string>>;
  /** Apps that provide an interface, instead of reading `/dubbo/mapping/<interface>` (Dubbo's `provided-by`). */
  providedBy?: Readonly<Record<string, readonly string[]>>;
  /** The address consumer URLs carry (default: first non-internal IPv4). */
  consumerHost?: string;
  /** `release=` on our URLs (default "dubbo-mesh-0.1.0"). */
  release?: string;
  /** How often to retry application metadata that could not be fetched (default 5 000 ms). */
  metadataRetryMs?: number;
  logger?: Logger;
}

/** A Discovery over Dubbo's ZooKeeper layouts (interface-level and application-level). */
export class ZookeeperDiscovery implements Discovery {
  readonly name = "zookeeper";
  /** The ZooKeeper session: connection state for health checks, or to share with a config source. */
  readonly session: ZkSession;
  private readonly ownsSession: boolean;
  private readonly hub: WatchHub;
  private readonly owned: OwnedNodes;
  private readonly interfaces: InterfaceRegistry;
  private readonly instances: InstanceRegistry;
  private readonly instanceWatcher: InstanceWatcher;
  private readonly registrations = new Map<string, ResolvedRegistration>();
  private readonly watches = new Set<() => void>();
  private closed = false;
  private readonly logger: Logger;

  constructor(private readonly options: ZookeeperDiscoveryOptions) {
    if (options.session === undefined && options.address === undefined) {
      throw new Error("zookeeperDiscovery needs an address or a session");
    }
    const logger = options.logger ?? consoleLogger;
    this.logger = logger;
    this.ownsSession = options.session === undefined;
    this.session =
      options.session ??
      new ZkSession({
        address: options.address ?? "",
        sessionTimeoutMs: options.sessionTimeoutMs,
        operationTimeoutMs: options.operationTimeoutMs,
        logger,
      });
    const paths = new RegistryPaths(options.rootPath, options.servicesPath);
    const release = options.release ?? "dubbo-mesh-0.1.0";
    this.hub = new WatchHub(this.session);
    this.owned = new OwnedNodes(this.session);
    const metadata = new MetadataStore(this.session, paths);
    this.interfaces = new InterfaceRegistry(this.owned, this.hub, paths, {
      release,
      consumerHost: options.consumerHost ?? localAddress(),
    });
    this.instances = new InstanceRegistry(this.session, this.owned, metadata, paths, { release });
    this.instanceWatcher = new InstanceWatcher(this.hub, metadata, paths, {
      providedBy: options.providedBy,
      metadataRetryMs: options.metadataRetryMs ?? 5_000,
      logger,
    });
  }

  get mode(): RegistryMode {
    return this.options.mode;
  }

  /**
   * Calls the listener with the matching endpoints once they are known and on every change. Only what
   * ZooKeeper answered is reported: during an outage the listener simply hears nothing. `confirmed` is
   * true when the list is ZooKeeper's complete answer (so an empty list really means "no providers");
   * it is false only for application-level lists that left out instances whose metadata could not be had.
   */
  watch(
    query: ServiceQuery,
    listener: (endpoints: readonly Endpoint[], update?: WatchUpdate) => void,
  ): () => void {
    this.assertOpen();
    const q = this.resolveQuery(query);
    type Emit = (list: Endpoint[], complete: boolean) => void;
    const sources: Array<(emit: Emit) => () => void> = [];
    if (this.options.mode !== "instance") {
      // A children list is ZooKeeper's complete answer.
      sources.push((emit) => this.interfaces.watchProviders(q, (list) => emit(list, true)));
    }
    if (this.options.mode !== "interface") sources.push((emit) => this.instanceWatcher.watch(q, emit));

    const lists: Array<Endpoint[] | undefined> = sources.map(() => undefined);
    const complete: boolean[] = sources.map(() => false);
    let last: string | undefined;
    const offs = sources.map((start, i) =>
      start((list, whole) => {
        lists[i] = list;
        complete[i] = whole;
        const merged = mergeEndpoints(lists.filter((l): l is Endpoint[] => l !== undefined));
        // Confirmed: every layout answered, and nothing was left out for want of metadata.
        const confirmed = !lists.includes(undefined) && complete.every(Boolean);
        if (merged.length === 0 && !confirmed) return; // never an empty list we are not sure of
        const fingerprint = `${confirmed}|${JSON.stringify(merged)}`;
        if (fingerprint === last) return;
        last = fingerprint;
        try {
          listener(merged, { confirmed });
        } catch (error) {
          this.logger.warn(`endpoint listener for ${query.interface} failed: ${errorText(error)}`);
        }
      }),
    );
    const withdraw =
      query.application && this.options.mode !== "instance"
        ? this.interfaces.announceConsumer(q, query.application)
        : undefined;
    const stop = () => {
      if (!this.watches.delete(stop)) return;
      for (const off of offs) off();
      void withdraw?.().catch(() => {});
    };
    this.watches.add(stop);
    return stop;
  }

  /**
   * The service's `configurators` and `routers` folders (interface-level rules as URLs). Modern rules
   * live in the config center instead: see `zookeeperConfigSource`.
   */
  watchGovernance(query: ServiceQuery, listener: (urls: GovernanceUrls) => void): () => void {
    this.assertOpen();
    const off = this.interfaces.watchGovernance(this.resolveQuery(query), listener);
    const stop = () => {
      if (this.watches.delete(stop)) off();
    };
    this.watches.add(stop);
    return stop;
  }

  /**
   * Writes the registration in the configured layouts. Resolves once ZooKeeper has it; if it cannot be
   * written now (ZooKeeper unreachable) it rejects, but stays registered and is written on reconnection,
   * as Dubbo's failback registry does. It is re-created after every session expiry.
   */
  async register(registration: ServiceRegistration): Promise<void> {
    this.assertOpen();
    const key = registrationKey(registration);
    const previous = this.registrations.get(key);
    if (previous !== undefined) await this.withdraw(previous);
    const resolved: ResolvedRegistration = {
      registration,
      registryInterface: this.registryInterfaceOf(registration.interface, registration.params?.["interface"]),
      timestamp: previous?.timestamp ?? Date.now(),
    };
    this.registrations.set(key, resolved);
    const writes: Promise<void>[] = [];
    if (this.options.mode !== "instance") writes.push(this.interfaces.register(resolved));
    if (this.options.mode !== "interface") writes.push(this.instances.register(resolved));
    await Promise.all(writes);
  }

  async unregister(registration: ServiceRegistration): Promise<void> {
    const key = registrationKey(registration);
    const resolved = this.registrations.get(key);
    if (resolved === undefined) return;
    this.registrations.delete(key);
    await this.withdraw(resolved);
  }

  /** Stops every watch and ends the session, which removes our ephemeral nodes at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stop of [...this.watches]) stop();
    this.instanceWatcher.close();
    this.hub.close();
    if (this.ownsSession) {
      this.owned.close();
      await this.session.close();
    } else {
      // The session lives on: take our nodes down ourselves.
      await Promise.allSettled(this.owned.paths().map((p) => this.owned.delete(p)));
      this.owned.close();
    }
  }

  private async withdraw(resolved: ResolvedRegistration): Promise<void> {
    const removals: Promise<void>[] = [];
    if (this.options.mode !== "instance") removals.push(this.interfaces.unregister(resolved));
    if (this.options.mode !== "interface") removals.push(this.instances.unregister(resolved));
    await Promise.all(removals);
  }

  private resolveQuery(query: ServiceQuery): ResolvedQuery {
    return { query, registryInterface: this.registryInterfaceOf(query.interface, undefined) };
  }

  private registryInterfaceOf(wireName: string, explicit: string | undefined): string {
    return explicit || this.options.interfaceAliases?.[wireName] || wireName;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("the ZooKeeper discovery is closed");
  }
}

export function zookeeperDiscovery(options: ZookeeperDiscoveryOptions): ZookeeperDiscovery {
  return new ZookeeperDiscovery(options);
}
