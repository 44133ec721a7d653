import type { Endpoint } from "@dubbo-mesh/dubbo";
import { endpointFromUrl } from "./endpoints.js";
import type { OwnedNodes } from "./owned-nodes.js";
import type { RegistryPaths } from "./paths.js";
import { queryInterfaces, type ResolvedQuery, type ResolvedRegistration } from "./registration.js";
import { type DubboUrl, serviceInterfaceOf, urlFromNodeName, urlNodeName } from "./url.js";
import { isProviderUrlMatch, type MatchQuery } from "./url-match.js";
import type { WatchHub } from "./watch-hub.js";

/** Dubbo's protocol version parameter (`dubbo=2.0.2`), the same on every Dubbo 2.7+ and 3.x URL. */
const DUBBO_PROTOCOL_VERSION = "2.0.2";

export interface InterfaceRegistryOptions {
  /** `release=` on our URLs (Dubbo Java writes its own version there). */
  readonly release: string;
  /** The address consumer URLs name. */
  readonly consumerHost: string;
}

/** The rule URLs Dubbo keeps beside the providers: `override://` configurators and `route://` routers. */
export interface GovernanceUrls {
  readonly configurators: readonly DubboUrl[];
  readonly routers: readonly DubboUrl[];
}

/**
 * Dubbo 2's interface-level layout, still written by Dubbo 3 with register-mode `interface` or `all`:
 * one ephemeral node per provider under `/dubbo/<interface>/providers`, named by its URL-encoded URL.
 */
export class InterfaceRegistry {
  constructor(
    private readonly owned: OwnedNodes,
    private readonly hub: WatchHub,
    private readonly paths: RegistryPaths,
    private readonly options: InterfaceRegistryOptions,
  ) {}

  /**
   * The provider URL as Dubbo Java builds it: `tri://ip:port/<path>?anyhost=true&application=..&dubbo=2.0.2
   * &interface=..&methods=a,b&side=provider&timestamp=..` plus group, version, weight and the caller's
   * parameters (which win).
   */
  providerUrl(r: ResolvedRegistration): DubboUrl {
    const reg = r.registration;
    const params: Record<string, string> = {
      anyhost: "true",
      application: reg.application,
      deprecated: "false",
      dubbo: DUBBO_PROTOCOL_VERSION,
      dynamic: "true",
      generic: "false",
      interface: r.registryInterface,
      methods: [...reg.methods].sort().join(","),
      release: this.options.release,
      "service-name-mapping": "true",
      side: "provider",
      timestamp: String(r.timestamp),
    };
    if (reg.group) params["group"] = reg.group;
    if (reg.version) params["version"] = reg.version;
    if (reg.weight !== undefined) params["weight"] = String(reg.weight);
    for (const [k, v] of Object.entries(reg.params ?? {})) params[k] = v;
    params["interface"] = r.registryInterface;
    if (params["methods"] === "") delete params["methods"];
    return { protocol: reg.protocol, host: reg.host, port: reg.port, path: reg.interface, params };
  }

  providerPath(r: ResolvedRegistration): string {
    return `${this.paths.category(r.registryInterface, "providers")}/${urlNodeName(this.providerUrl(r))}`;
  }

  async register(r: ResolvedRegistration): Promise<void> {
    await this.owned.put({ path: this.providerPath(r), data: Buffer.alloc(0) });
  }

  async unregister(r: ResolvedRegistration): Promise<void> {
    await this.owned.delete(this.providerPath(r));
  }

  /** `consumer://ip/<interface>?application=..&category=consumers&side=consumer...`, as Dubbo's RegistryProtocol writes it on subscribe. */
  consumerUrl(q: ResolvedQuery, application: string, timestamp: number): DubboUrl {
    const params: Record<string, string> = {
      application,
      category: "consumers",
      check: "false",
      dubbo: DUBBO_PROTOCOL_VERSION,
      interface: q.registryInterface,
      release: this.options.release,
      side: "consumer",
      timestamp: String(timestamp),
    };
    if (q.query.group) params["group"] = q.query.group;
    if (q.query.version) params["version"] = q.query.version;
    if (q.query.protocol) params["protocol"] = q.query.protocol;
    return {
      protocol: "consumer",
      host: this.options.consumerHost,
      port: 0,
      path: q.registryInterface,
      params,
    };
  }

  /** Announces a consumer under `/dubbo/<interface>/consumers`; the returned function withdraws it. */
  announceConsumer(q: ResolvedQuery, application: string): () => Promise<void> {
    const url = this.consumerUrl(q, application, Date.now());
    const path = `${this.paths.category(q.registryInterface, "consumers")}/${urlNodeName(url)}`;
    // A failed write stays wanted and is retried; the watch itself does not depend on it.
    void this.owned.put({ path, data: Buffer.alloc(0) }).catch(() => {});
    return () => this.owned.delete(path);
  }

  /** Calls the listener with the matching providers whenever ZooKeeper reports a change of the folder. */
  watchProviders(q: ResolvedQuery, listener: (endpoints: Endpoint[]) => void): () => void {
    const match: MatchQuery = {
      interfaces: queryInterfaces(q),
      group: q.query.group,
      version: q.query.version,
      protocol: q.query.protocol,
    };
    return this.hub.watchChildren(this.paths.category(q.registryInterface, "providers"), (children) => {
      // undefined: ZooKeeper says the folder does not exist, which is as sure an "empty" as an empty folder.
      const endpoints: Endpoint[] = [];
      for (const name of children ?? []) {
        const url = urlFromNodeName(name);
        if (url === undefined || !isProviderUrlMatch(match, url)) continue;
        const endpoint = endpointFromUrl(url);
        if (endpoint !== undefined) endpoints.push(endpoint);
      }
      listener(endpoints);
    });
  }

  /**
   * The `configurators` and `routers` folders (Dubbo 2.6-style `override://` and `route://` rules) of the
   * service, filtered to the query's group and version; `empty://` placeholders are dropped.
   */
  watchGovernance(q: ResolvedQuery, listener: (urls: GovernanceUrls) => void): () => void {
    const interfaces = queryInterfaces(q);
    // A rule without group or version applies to every group or version of the service.
    const appliesTo = (rule: string | undefined, value: string | undefined) =>
      !rule || rule === "*" || rule.split(",").some((r) => r.trim() === (value ?? ""));
    const relevant = (url: DubboUrl) =>
      url.protocol !== "empty" &&
      (interfaces.includes(serviceInterfaceOf(url)) || interfaces.includes(url.path) || url.path === "*") &&
      appliesTo(url.params["group"], q.query.group) &&
      appliesTo(url.params["version"], q.query.version);
    const decode = (children: readonly string[] | undefined) =>
      (children ?? []).map(urlFromNodeName).filter((u): u is DubboUrl => u !== undefined && relevant(u));
    let configurators: readonly DubboUrl[] | undefined;
    let routers: readonly DubboUrl[] | undefined;
    const emit = () => {
      if (configurators !== undefined && routers !== undefined) listener({ configurators, routers });
    };
    const offC = this.hub.watchChildren(this.paths.category(q.registryInterface, "configurators"), (c) => {
      configurators = decode(c);
      emit();
    });
    const offR = this.hub.watchChildren(this.paths.category(q.registryInterface, "routers"), (c) => {
      routers = decode(c);
      emit();
    });
    return () => {
      offC();
      offR();
    };
  }
}
