import { encodeJava } from "./url.js";

/**
 * Where Dubbo keeps things in ZooKeeper (Dubbo 3.3 sources):
 * - interface level (`ZookeeperRegistry`): `/dubbo/<URL.encode(interface)>/<category>/<URL.encode(url)>`;
 * - service-name mapping (`ZookeeperMetadataReport.buildPathKey`): `/dubbo/mapping/<interface>`;
 * - application metadata (`SubscriberMetadataIdentifier`, `metadata` path tag): `/dubbo/metadata/<app>/<revision>`;
 * - application-level instances (`ZookeeperServiceDiscovery`, Curator ServiceDiscovery): `/services/<app>/<ip>:<port>`;
 * - config center (`TreePathDynamicConfiguration`): `/dubbo/config/<group>/<key>`.
 */
export type Category = "providers" | "consumers" | "routers" | "configurators";

export class RegistryPaths {
  /** Normalised root without a trailing slash ("" for "/"). */
  private readonly root: string;
  private readonly services: string;

  constructor(rootPath = "/dubbo", servicesPath = "/services") {
    this.root = normaliseRoot(rootPath);
    this.services = normaliseRoot(servicesPath);
  }

  service(iface: string): string {
    return `${this.root}/${encodeJava(iface)}`;
  }

  category(iface: string, category: Category): string {
    return `${this.service(iface)}/${category}`;
  }

  mapping(iface: string): string {
    return `${this.root}/mapping/${iface}`;
  }

  metadata(app: string, revision: string): string {
    return `${this.root}/metadata/${app}/${revision}`;
  }

  instances(app: string): string {
    return `${this.services}/${app}`;
  }

  /** Curator's instance id is `ip:port` (`CuratorFrameworkUtils.generateId`); Dubbo names the node after it. */
  instance(app: string, host: string, port: number): string {
    return `${this.instances(app)}/${instanceId(host, port)}`;
  }
}

export function instanceId(host: string, port: number): string {
  return `${host}:${port}`;
}

/** `/dubbo/config` + `/` + group + `/` + key. */
export function configPath(rootPath: string, group: string, key: string): string {
  return `${normaliseRoot(rootPath)}/${group}/${key}`;
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i <= 0 ? "/" : path.slice(0, i);
}

function normaliseRoot(path: string): string {
  const withSlash = path.startsWith("/") ? path : `/${path}`;
  return withSlash.replace(/\/+$/, "");
}
