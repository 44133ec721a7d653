// networking.istio.io ServiceEntry: a service (hosts x ports) with static endpoints and/or a
// workloadSelector over WorkloadEntries and auto-registered workloads.
import {
  type Check,
  integer,
  listOf,
  object,
  oneOf,
  requiredObject,
  requiredString,
  stringList,
  stringMap,
} from "../check.js";
import { checkWorkloadEntry, type WorkloadEntrySpec } from "./workload-entry.js";

export interface ServicePort {
  readonly number: number;
  readonly name: string;
  readonly protocol?: string;
  readonly targetPort?: number;
}

export type Resolution = "NONE" | "STATIC" | "DNS" | "DNS_ROUND_ROBIN";

export interface ServiceEntrySpec {
  readonly hosts: readonly string[];
  readonly ports: readonly ServicePort[];
  readonly resolution: Resolution;
  readonly location: "MESH_EXTERNAL" | "MESH_INTERNAL";
  readonly endpoints: readonly WorkloadEntrySpec[];
  readonly workloadSelector?: Readonly<Record<string, string>>;
  readonly exportTo: readonly string[];
}

export function checkServicePort(v: unknown, c: Check): ServicePort | undefined {
  const o = requiredObject(v, c, ["number", "protocol", "name", "targetPort"]);
  if (o === undefined) return undefined;
  const num = integer(o.number, c.at("number"), 1, 65535);
  if (o.number == null) c.at("number").error("is required");
  const name = requiredString(o.name, c.at("name"));
  const protocol = oneOf(o.protocol, c.at("protocol"), [
    "HTTP",
    "HTTPS",
    "GRPC",
    "GRPC-WEB",
    "HTTP2",
    "MONGO",
    "TCP",
    "TLS",
    "UDP",
  ] as const);
  const targetPort = integer(o.targetPort, c.at("targetPort"), 1, 65535);
  if (num === undefined || name === undefined) return undefined;
  return {
    number: num,
    name,
    ...(protocol === undefined ? {} : { protocol }),
    ...(targetPort === undefined ? {} : { targetPort }),
  };
}

export function checkServiceEntry(spec: unknown, c: Check): ServiceEntrySpec | undefined {
  const o = requiredObject(spec, c, [
    "hosts",
    "addresses",
    "ports",
    "location",
    "resolution",
    "endpoints",
    "workloadSelector",
    "exportTo",
    "subjectAltNames",
  ]);
  if (o === undefined) return undefined;
  const hosts = stringList(o.hosts, c.at("hosts"));
  if (hosts.length === 0 && !(o.hosts != null && !Array.isArray(o.hosts)))
    c.at("hosts").error("must list at least one host");
  const ports = listOf(o.ports, c.at("ports"), checkServicePort);
  const seen = new Set<number>();
  ports.forEach((p, i) => {
    if (seen.has(p.number)) c.at("ports").at(i).error(`duplicate port ${p.number}`);
    seen.add(p.number);
  });
  const resolution =
    oneOf(o.resolution, c.at("resolution"), ["NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN"] as const) ?? "NONE";
  const location =
    oneOf(o.location, c.at("location"), ["MESH_EXTERNAL", "MESH_INTERNAL"] as const) ?? "MESH_EXTERNAL";
  const endpoints = listOf(o.endpoints, c.at("endpoints"), (e, ec) => checkWorkloadEntry(e, ec));
  const ws = object(o.workloadSelector, c.at("workloadSelector"), ["labels"]);
  const workloadSelector =
    ws === undefined ? undefined : stringMap(ws.labels, c.at("workloadSelector").at("labels"));
  if (workloadSelector !== undefined && endpoints.length > 0)
    c.error("must not set both endpoints and workloadSelector");
  if (resolution === "STATIC") {
    endpoints.forEach((e, i) => {
      if (!isIpLiteral(e.address))
        c.at("endpoints")
          .at(i)
          .at("address")
          .error(`must be an IP address with resolution STATIC, got "${e.address}"`);
    });
  }
  return {
    hosts,
    ports,
    resolution,
    location,
    endpoints,
    ...(workloadSelector === undefined ? {} : { workloadSelector }),
    exportTo: stringList(o.exportTo, c.at("exportTo")),
  };
}

export function isIpLiteral(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (s.includes(":") && /^[0-9a-fA-F:.]+$/.test(s));
}
