import { createHash } from "node:crypto";
import { javaCompare } from "./url.js";

/**
 * Dubbo's `MetadataInfo.ServiceInfo` (3.3), in the JSON shape Dubbo stores under
 * `/dubbo/metadata/<app>/<revision>` and returns from `MetadataService#getMetadataInfo`.
 */
export interface ServiceInfo {
  /** The interface the service is registered under (Dubbo: `url.getServiceInterface()`). */
  readonly name: string;
  readonly group?: string;
  readonly version?: string;
  readonly protocol: string;
  /** The port this protocol listens on; -1 or 0 when unknown (then the instance's port applies). */
  readonly port: number;
  /** The URL path; a Java consumer dials `/<path>/<method>`. Usually the interface name. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface MetadataInfo {
  readonly app: string;
  readonly revision: string;
  /** Keyed by match key, `group/name:version:protocol` with absent parts left out. */
  readonly services: Readonly<Record<string, ServiceInfo>>;
}

/** Dubbo's service key (`URL.buildKey`): `group/` only with a group, `:version` only with a version. */
export function serviceKeyOf(s: Pick<ServiceInfo, "name" | "group" | "version">): string {
  let key = s.name;
  if (s.group) key = `${s.group}/${key}`;
  if (s.version) key = `${key}:${s.version}`;
  return key;
}

/** `ServiceInfo.getMatchKey()`: the service key plus `:protocol`. */
export function matchKeyOf(s: Pick<ServiceInfo, "name" | "group" | "version" | "protocol">): string {
  const key = serviceKeyOf(s);
  return s.protocol ? `${key}:${s.protocol}` : key;
}

/**
 * `MetadataInfo.calRevision()`: MD5 (lowercase hex) of the app name followed, for each service in match
 * key order, by `matchKey + port + path + TreeMap(params).toString()`. Same inputs give the same digest
 * as Dubbo Java, so a revision read from a Java instance can be checked, and ours look like Java's.
 */
export function calculateRevision(app: string, services: Readonly<Record<string, ServiceInfo>>): string {
  const keys = Object.keys(services).sort(javaCompare);
  if (keys.length === 0) return "0"; // RevisionResolver.EMPTY_REVISION
  let text = app;
  for (const key of keys) {
    const s = services[key]!;
    text += `${matchKeyOf(s)}${s.port}${s.path}${javaMapString(s.params)}`;
  }
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** Builds a MetadataInfo with its revision computed the way Dubbo does. */
export function buildMetadata(app: string, services: readonly ServiceInfo[]): MetadataInfo {
  const byKey: Record<string, ServiceInfo> = {};
  for (const s of services) byKey[matchKeyOf(s)] = s;
  return { app, revision: calculateRevision(app, byKey), services: byKey };
}

/** The JSON Dubbo writes (fields in the order Dubbo's serializer emits them; absent group/version left out). */
export function encodeMetadata(info: MetadataInfo): string {
  const services: Record<string, unknown> = {};
  for (const key of Object.keys(info.services).sort(javaCompare)) {
    const s = info.services[key]!;
    services[key] = {
      ...(s.group ? { group: s.group } : {}),
      name: s.name,
      params: sortedRecord(s.params),
      path: s.path,
      port: s.port,
      protocol: s.protocol,
      ...(s.version ? { version: s.version } : {}),
    };
  }
  return JSON.stringify({ app: info.app, revision: info.revision, services });
}

/** Parses Dubbo's MetadataInfo JSON; undefined if it is not one. Unknown fields are ignored. */
export function decodeMetadata(text: string): MetadataInfo | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || typeof raw["app"] !== "string") return undefined;
  const services: Record<string, ServiceInfo> = {};
  const rawServices = isRecord(raw["services"]) ? raw["services"] : {};
  for (const [key, value] of Object.entries(rawServices)) {
    if (!isRecord(value) || typeof value["name"] !== "string") continue;
    const params: Record<string, string> = {};
    if (isRecord(value["params"])) {
      for (const [k, v] of Object.entries(value["params"]))
        if (v !== null && v !== undefined) params[k] = String(v);
    }
    services[key] = {
      name: value["name"],
      group: optionalString(value["group"]),
      version: optionalString(value["version"]),
      protocol: optionalString(value["protocol"]) ?? "",
      port:
        typeof value["port"] === "number"
          ? value["port"]
          : Number.parseInt(String(value["port"] ?? "-1"), 10),
      path: optionalString(value["path"]) ?? value["name"],
      params,
    };
  }
  return { app: raw["app"], revision: optionalString(raw["revision"]) ?? "", services };
}

/** Java's `AbstractMap.toString()` over a TreeMap: `{a=1, b=2}`. */
function javaMapString(params: Readonly<Record<string, string>>): string {
  const keys = Object.keys(params).sort(javaCompare);
  return `{${keys.map((k) => `${k}=${params[k]}`).join(", ")}}`;
}

function sortedRecord(params: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(params).sort(javaCompare)) out[k] = params[k]!;
  return out;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
