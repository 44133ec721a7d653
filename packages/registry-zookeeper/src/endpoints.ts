import type { Endpoint } from "@dubbo-mesh/dubbo";
import type { ServiceInfo } from "./metadata.js";
import { instanceEndpoints, type ServiceInstance } from "./service-instance.js";
import type { DubboUrl } from "./url.js";

/** Dubbo's default weight when a provider says nothing (`DEFAULT_WEIGHT`). */
const DEFAULT_WEIGHT = 100;

/**
 * An interface-level provider URL as an Endpoint: every URL parameter goes into metadata, plus `path`
 * (the URL path, which is what goes on the wire: a Java provider of a protobuf service registers under
 * its Java interface but serves `/<proto service>/<Method>`). Protocols other than tri and dubbo are skipped.
 */
export function endpointFromUrl(url: DubboUrl): Endpoint | undefined {
  const protocol = asProtocol(url.protocol);
  if (protocol === undefined || url.host === "" || url.port <= 0) return undefined;
  return {
    host: url.host,
    port: url.port,
    protocol,
    weight: weightOf(url.params["weight"]),
    metadata: { ...url.params, path: url.path },
  };
}

/**
 * One service of an application-level instance as an Endpoint. The port is the service's own when the
 * metadata has one, else the instance's `dubbo.endpoints` entry for that protocol, else the instance
 * port (the order Dubbo's ServiceInstancesChangedListener uses). Metadata = instance metadata, then the
 * service's parameters, then `path`.
 */
export function endpointFromInstance(instance: ServiceInstance, service: ServiceInfo): Endpoint | undefined {
  const protocol = asProtocol(service.protocol);
  if (protocol === undefined) return undefined;
  let port = Math.max(service.port, 0);
  if (port === 0) port = instanceEndpoints(instance).find((e) => e.protocol === service.protocol)?.port ?? 0;
  if (port === 0) port = instance.port;
  if (instance.address === "" || port <= 0) return undefined;
  return {
    host: instance.address,
    port,
    protocol,
    weight: weightOf(service.params["weight"] ?? instance.metadata["weight"]),
    metadata: { ...instance.metadata, ...service.params, path: service.path },
  };
}

/** Sorted and keyed so two lists can be compared cheaply and listeners only hear about real changes. */
export function canonical(endpoints: readonly Endpoint[]): Endpoint[] {
  return [...endpoints].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

export function sameEndpoints(a: readonly Endpoint[] | undefined, b: readonly Endpoint[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  return a.every((e, i) => fingerprint(e) === fingerprint(b[i]!));
}

/**
 * Several sources (both layouts in mode "all") can list the same provider: one endpoint per
 * protocol://host:port, with the later source's metadata layered over the earlier one's.
 */
export function mergeEndpoints(lists: ReadonlyArray<readonly Endpoint[]>): Endpoint[] {
  const byKey = new Map<string, Endpoint>();
  for (const list of lists) {
    for (const e of list) {
      const key = keyOf(e);
      const prior = byKey.get(key);
      byKey.set(key, prior === undefined ? e : { ...e, metadata: { ...prior.metadata, ...e.metadata } });
    }
  }
  return canonical([...byKey.values()]);
}

function keyOf(e: Endpoint): string {
  return `${e.protocol}://${e.host}:${e.port}`;
}

function fingerprint(e: Endpoint): string {
  const meta = Object.keys(e.metadata)
    .sort()
    .map((k) => `${k}=${e.metadata[k]}`)
    .join("&");
  return `${keyOf(e)}|${e.weight}|${meta}`;
}

function asProtocol(protocol: string): Endpoint["protocol"] | undefined {
  return protocol === "tri" || protocol === "dubbo" ? protocol : undefined;
}

function weightOf(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_WEIGHT;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_WEIGHT;
}
