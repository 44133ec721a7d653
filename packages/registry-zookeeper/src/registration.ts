import type { ServiceQuery, ServiceRegistration } from "@dubbo-mesh/dubbo";

/**
 * A registration with the name it goes under in the registry. Dubbo Java keys a protobuf service by
 * its generated Java interface (`java_package` + service name, e.g. `org.dubbomesh.greet.v1.GreetService`)
 * while the URL path, and so the HTTP path, stays the proto name (`greet.v1.GreetService`).
 */
export interface ResolvedRegistration {
  readonly registration: ServiceRegistration;
  /** The registry key: the Java interface name. */
  readonly registryInterface: string;
  /** Registration time (ms), Dubbo's `timestamp` parameter: consumers warm a provider up from it. */
  readonly timestamp: number;
}

export interface ResolvedQuery {
  readonly query: ServiceQuery;
  readonly registryInterface: string;
}

/** Identifies a registration for unregister(): same service, group, version, protocol and address. */
export function registrationKey(r: ServiceRegistration): string {
  return `${r.protocol}://${r.host}:${r.port}/${r.interface}?group=${r.group ?? ""}&version=${r.version ?? ""}&app=${r.application}`;
}

/** The query's names in the registry: the registry key first, the wire name too if it differs. */
export function queryInterfaces(q: ResolvedQuery): string[] {
  return q.registryInterface === q.query.interface
    ? [q.registryInterface]
    : [q.registryInterface, q.query.interface];
}
