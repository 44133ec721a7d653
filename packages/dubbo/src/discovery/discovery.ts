import type { Endpoint } from "./endpoint.js";

/** What a consumer looks up: interface, group and version (together, Dubbo's service key). */
export interface ServiceQuery {
  /** Service name on the wire: a protobuf service's full name or a Java interface name. */
  readonly interface: string;
  readonly group?: string;
  readonly version?: string;
  /** Only endpoints speaking this protocol (default: any). */
  readonly protocol?: "tri" | "dubbo";
  /** The consumer's application name (written to the registry's consumers folder). */
  readonly application?: string;
}

/** What a provider announces. */
export interface ServiceRegistration {
  readonly interface: string;
  readonly group?: string;
  readonly version?: string;
  readonly application: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: "tri" | "dubbo";
  readonly weight?: number;
  /** Method names, for Dubbo's `methods=` URL parameter and metadata. */
  readonly methods: readonly string[];
  /** Extra URL parameters / labels (e.g. `dubbo.tag`, `release`). */
  readonly params?: Readonly<Record<string, string>>;
}

/**
 * What a source knows about one update, beyond the list itself (optional, added after the first
 * version of this contract: sources that pass nothing keep working).
 */
export interface WatchUpdate {
  /**
   * True when the source is sure the list is complete and current, in particular when it is empty
   * because the registry answered "no providers" (Dubbo's `empty://` notification), not because it
   * could not be reached. The SDK's Directory applies an empty list only when it is confirmed and
   * otherwise keeps the last known good list.
   */
  readonly confirmed?: boolean;
}

/**
 * A source of endpoints: static addresses, ZooKeeper, xDS, Kubernetes DNS. `watch` calls the listener
 * with the full current list whenever it changes (and once as soon as it is known). A source must
 * never report an empty list it is not sure of (a registry outage keeps the last known good list);
 * when it reports one it is sure of, it says so with `{ confirmed: true }`.
 */
export interface Discovery {
  readonly name: string;
  watch(
    query: ServiceQuery,
    listener: (endpoints: readonly Endpoint[], update?: WatchUpdate) => void,
  ): () => void;
  register?(registration: ServiceRegistration): Promise<void>;
  unregister?(registration: ServiceRegistration): Promise<void>;
  close(): Promise<void>;
}

/** Dubbo's service key, `group/interface:version` (URL.getServiceKey), with absent parts left out. */
export function serviceKey(q: { interface: string; group?: string; version?: string }): string {
  let key = q.interface;
  if (q.group) key = `${q.group}/${key}`;
  if (q.version) key = `${key}:${q.version}`;
  return key;
}
