import type { ConfigSource } from "@dubbo-mesh/dubbo";
import { consoleLogger, type Logger } from "./logger.js";
import { configPath } from "./paths.js";
import { WatchHub } from "./watch-hub.js";
import { ZkSession } from "./zk-session.js";

export interface ZookeeperConfigSourceOptions {
  /** ZooKeeper connect string. Either this or `session`. */
  address?: string;
  /** An existing session to share (e.g. `zookeeperDiscovery(...).session`); not closed by close(). */
  session?: ZkSession;
  /** Dubbo's config-center root: namespace + `/config` (default "/dubbo/config"). */
  rootPath?: string;
  /** Config group (default "dubbo", Dubbo's `DynamicConfiguration.DEFAULT_GROUP`). */
  group?: string;
  sessionTimeoutMs?: number;
  logger?: Logger;
}

/**
 * Dubbo's ZooKeeper config center: each rule is the data of `/dubbo/config/<group>/<key>` (the path
 * Dubbo Admin writes). Listeners get the raw text on start and on every change, and undefined when the
 * node is deleted (or absent). While ZooKeeper is unreachable they hear nothing, so the rule in force
 * stays in force.
 */
export class ZookeeperConfigSource implements ConfigSource {
  readonly name = "zookeeper";
  readonly session: ZkSession;
  private readonly ownsSession: boolean;
  private readonly hub: WatchHub;
  private readonly rootPath: string;
  private readonly group: string;

  constructor(options: ZookeeperConfigSourceOptions) {
    if (options.session === undefined && options.address === undefined) {
      throw new Error("zookeeperConfigSource needs an address or a session");
    }
    this.ownsSession = options.session === undefined;
    this.session =
      options.session ??
      new ZkSession({
        address: options.address ?? "",
        sessionTimeoutMs: options.sessionTimeoutMs,
        logger: options.logger ?? consoleLogger,
      });
    this.hub = new WatchHub(this.session);
    this.rootPath = options.rootPath ?? "/dubbo/config";
    this.group = options.group ?? "dubbo";
  }

  /** The node path a key lives at, e.g. `/dubbo/config/dubbo/demo.condition-router`. */
  pathOf(key: string): string {
    return configPath(this.rootPath, this.group, key);
  }

  watchRule(key: string, listener: (text: string | undefined) => void): () => void {
    return this.hub.watchData(this.pathOf(key), (data) => listener(data?.toString("utf8")));
  }

  async close(): Promise<void> {
    this.hub.close();
    if (this.ownsSession) await this.session.close();
  }
}

export function zookeeperConfigSource(options: ZookeeperConfigSourceOptions): ZookeeperConfigSource {
  return new ZookeeperConfigSource(options);
}
