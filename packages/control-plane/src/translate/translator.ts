// The translator: (config snapshot, registry snapshot, client) -> xDS resources, pure and
// deterministic. One Translator serves one push; `cacheKey` tells the ADS server which clients can
// share a resource (most resources depend only on their name).
import type { Message } from "@bufbuild/protobuf";
import type { ConfigSnapshot } from "../config/config-store.js";
import type { ClientIdentity } from "../registry/node-metadata.js";
import type { RegistrySnapshot } from "../registry/registry-snapshot.js";
import { allClusterNames, cluster } from "./clusters.js";
import { clusterLoadAssignment } from "./endpoints.js";
import { inboundListener } from "./inbound-listener.js";
import { outboundListener, resolveListenerTarget } from "./listeners.js";
import { MeshView } from "./mesh-view.js";
import { INBOUND_LISTENER_PREFIX, parseClusterName, routeConfigName } from "./names.js";
import { routeConfiguration } from "./routes.js";
import type { TranslateOptions } from "./translate-options.js";

export const TypeUrl = {
  listener: "type.googleapis.com/envoy.config.listener.v3.Listener",
  routeConfiguration: "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
  cluster: "type.googleapis.com/envoy.config.cluster.v3.Cluster",
  clusterLoadAssignment: "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
} as const;

export type XdsTypeUrl = (typeof TypeUrl)[keyof typeof TypeUrl];

export const XDS_TYPE_URLS: readonly XdsTypeUrl[] = [
  TypeUrl.cluster,
  TypeUrl.clusterLoadAssignment,
  TypeUrl.listener,
  TypeUrl.routeConfiguration,
];

export function isXdsTypeUrl(t: string): t is XdsTypeUrl {
  return (XDS_TYPE_URLS as readonly string[]).includes(t);
}

/** Short names for logs and debug pages. */
export function typeShortName(t: string): string {
  switch (t) {
    case TypeUrl.listener:
      return "LDS";
    case TypeUrl.routeConfiguration:
      return "RDS";
    case TypeUrl.cluster:
      return "CDS";
    case TypeUrl.clusterLoadAssignment:
      return "EDS";
    default:
      return t.slice(t.lastIndexOf("/") + 1);
  }
}

/** Per client, computed once: what its route configurations depend on. */
const clientKeys = new WeakMap<ClientIdentity, string>();

function clientKey(node: ClientIdentity): string {
  let k = clientKeys.get(node);
  if (k === undefined) {
    k = `${node.namespace}#${node.app ?? ""}#${labelsKey(node.labels)}#${node.ips[0] ?? ""}`;
    clientKeys.set(node, k);
  }
  return k;
}

function labelsKey(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

export class Translator {
  readonly view: MeshView;

  constructor(config: ConfigSnapshot, registry: RegistrySnapshot, options: Partial<TranslateOptions> = {}) {
    this.view = new MeshView(config, registry, options);
  }

  resource(typeUrl: XdsTypeUrl, name: string, node: ClientIdentity): Message | undefined {
    switch (typeUrl) {
      case TypeUrl.listener:
        return name.includes("/lds/inbound/")
          ? inboundListener(this.view, name, node)
          : outboundListener(this.view, name, node);
      case TypeUrl.routeConfiguration:
        return routeConfiguration(this.view, name, node);
      case TypeUrl.cluster:
        return cluster(this.view, name);
      case TypeUrl.clusterLoadAssignment:
        return clusterLoadAssignment(this.view, name);
    }
  }

  /** The service host a resource belongs to, for scoping pushes; undefined for server listeners. */
  hostOf(typeUrl: XdsTypeUrl, name: string, node: ClientIdentity): string | undefined {
    if (typeUrl === TypeUrl.listener)
      return name.includes("/lds/inbound/") ? undefined : resolveListenerTarget(this.view, name, node)?.host;
    return parseClusterName(name)?.host;
  }

  /**
   * What a client depends on besides the name: the namespace (short host names, VirtualService
   * exportTo), labels and app (source-label matches, Dubbo consumer conditions, server identity).
   */
  cacheKey(typeUrl: XdsTypeUrl, name: string, node: ClientIdentity): string {
    switch (typeUrl) {
      case TypeUrl.cluster:
      case TypeUrl.clusterLoadAssignment:
        return name;
      case TypeUrl.listener:
        return name.startsWith("xds.") ? `${name}#${clientKey(node)}` : name;
      case TypeUrl.routeConfiguration:
        return `${name}#${clientKey(node)}`;
    }
  }

  /** Resources a wildcard subscription (no names) gets: every outbound listener, every cluster. */
  wildcardNames(typeUrl: XdsTypeUrl): string[] {
    switch (typeUrl) {
      case TypeUrl.listener:
        return [...this.view.registry.services.values()].flatMap((s) =>
          s.ports.map((p) => `${s.host}:${p.port}`),
        );
      case TypeUrl.cluster:
        return allClusterNames(this.view);
      case TypeUrl.routeConfiguration:
        return [...this.view.registry.services.values()].flatMap((s) =>
          s.ports.map((p) => routeConfigName(p.port, s.host)),
        );
      default:
        return [];
    }
  }
}

export { INBOUND_LISTENER_PREFIX };
