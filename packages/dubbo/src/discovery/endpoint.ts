/**
 * One reachable instance of a service: where it listens and what it says about itself. `metadata`
 * holds Dubbo URL parameters (version, group, application, weight, timestamp, warmup, dubbo.tag, ...)
 * or xDS/Kubernetes labels, flattened to strings.
 */
export interface Endpoint {
  /** Host name or IP literal. */
  readonly host: string;
  readonly port: number;
  /** Wire protocol: `tri` (Triple/gRPC) or `dubbo` (Dubbo2 TCP). */
  readonly protocol: "tri" | "dubbo";
  /** Relative weight for load balancing; 100 when the source says nothing (Dubbo's default). */
  readonly weight: number;
  readonly metadata: Readonly<Record<string, string>>;
}

/** `protocol://host:port`: identifies an endpoint across discovery updates. */
export function endpointKey(e: Pick<Endpoint, "protocol" | "host" | "port">): string {
  const host = e.host.includes(":") && !e.host.startsWith("[") ? `[${e.host}]` : e.host;
  return `${e.protocol}://${host}:${e.port}`;
}
