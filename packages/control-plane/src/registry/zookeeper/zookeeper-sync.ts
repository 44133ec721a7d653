// ZooKeeper address sync: a Dubbo registry's providers become mesh services and endpoints in the
// ServiceRegistry, under their own source (`zookeeper`). Changes are debounced (a provider restart
// or a deployment touches many nodes at once) and applied with `replaceSource`, so a provider
// removed from ZooKeeper leaves the mesh with the next flush. A ZooKeeper outage changes nothing:
// the tree watch keeps its last answers, and the source is never replaced with an empty set for
// want of a connection. Host and port rules: mesh-names.ts.
import { type Logger, ZkSession } from "@dubbo-mesh/registry-zookeeper";
import type { ServiceRegistry } from "../service-registry.js";
import { meshServices, ZOOKEEPER_SOURCE } from "./mesh-instances.js";
import { DEFAULT_SERVICE_PORTS, type ServicePorts } from "./mesh-names.js";
import { ZookeeperTreeWatch } from "./zookeeper-tree-watch.js";

/** A stream of changes is flushed at least every 10 quiet periods (1 s by default), as istiod caps its debounce. */
const MAX_DELAY_FACTOR = 10;

export interface ZookeeperSyncOptions {
  /** ZooKeeper connect string (`host:port[,host:port][/chroot]`), or a `zookeeper://` URL. */
  address?: string;
  /** An existing session to share instead of `address` (left open on close). */
  session?: ZkSession;
  /** Namespace of the mesh services made from ZooKeeper (default `default`). */
  namespace?: string;
  /** Cluster domain for application-level hosts (default `cluster.local`). */
  domain?: string;
  rootPath?: string;
  servicesPath?: string;
  /** Quiet time before a batch of ZooKeeper changes reaches the registry (default 100 ms). */
  debounceMs?: number;
  /** Service ports per protocol (default grpc 50051, tcp-dubbo 20880). */
  servicePorts?: Partial<ServicePorts>;
  sessionTimeoutMs?: number;
  logger?: Logger;
}

export class ZookeeperSync {
  readonly session: ZkSession;
  private readonly ownsSession: boolean;
  private readonly tree: ZookeeperTreeWatch;
  private timer: NodeJS.Timeout | undefined;
  /** When the oldest unflushed change happened: a registry that never goes quiet still gets flushed. */
  private pendingSince: number | undefined;
  private closed = false;
  /** Number of times the registry source was replaced (diagnostics and tests). */
  flushes = 0;

  constructor(
    private readonly registry: ServiceRegistry,
    private readonly options: ZookeeperSyncOptions,
  ) {
    if (options.session !== undefined) {
      this.session = options.session;
      this.ownsSession = false;
    } else {
      if (options.address === undefined) throw new Error("ZookeeperSync needs an address or a session");
      this.session = new ZkSession({
        address: options.address.replace(/^zookeeper:\/\//, ""),
        ...(options.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: options.sessionTimeoutMs }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
      });
      this.ownsSession = true;
    }
    const logger = options.logger ?? this.session.logger;
    this.tree = new ZookeeperTreeWatch(
      this.session,
      { root: options.rootPath ?? "/dubbo", services: options.servicesPath ?? "/services" },
      () => this.schedule(),
      logger,
    );
  }

  start(): this {
    this.tree.start();
    return this;
  }

  /** Stops watching; the endpoints stay in the registry (the control plane is going away anyway). */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.tree.close();
    if (this.ownsSession) await this.session.close();
  }

  private schedule(): void {
    if (this.closed) return;
    const quietMs = this.options.debounceMs ?? 100;
    const now = Date.now();
    this.pendingSince ??= now;
    clearTimeout(this.timer);
    const wait = Math.min(quietMs, Math.max(0, this.pendingSince + MAX_DELAY_FACTOR * quietMs - now));
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  private flush(): void {
    this.pendingSince = undefined;
    if (this.closed) return;
    const { definitions, instances } = meshServices(this.tree, {
      namespace: this.options.namespace ?? "default",
      ...(this.options.domain === undefined ? {} : { domain: this.options.domain }),
      servicePorts: { ...DEFAULT_SERVICE_PORTS, ...this.options.servicePorts },
    });
    this.flushes++;
    this.registry.replaceSource(ZOOKEEPER_SOURCE, definitions, instances);
  }
}
