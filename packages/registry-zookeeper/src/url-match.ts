import { type DubboUrl, serviceInterfaceOf } from "./url.js";

/** What a consumer asks for, in registry terms (interface already mapped to the registry's key). */
export interface MatchQuery {
  /** Every name the service may be registered under (registry key, wire name). */
  readonly interfaces: readonly string[];
  readonly group?: string;
  readonly version?: string;
  readonly protocol?: string;
}

const ANY = "*";

/**
 * Dubbo's `UrlUtils.isMatch(consumerUrl, providerUrl)` for interface-level provider URLs: same interface
 * (or `*` on either side), category `providers`, not `enabled=false`, group equal or listed in the
 * consumer's comma-separated groups or `*`, version equal or `*`. As in Dubbo, a consumer without a
 * version only matches providers without one. The protocol filter is the consumer's `protocol=` list
 * that Dubbo's RegistryDirectory applies afterwards.
 */
export function isProviderUrlMatch(query: MatchQuery, provider: DubboUrl): boolean {
  const providerInterface = serviceInterfaceOf(provider);
  if (
    providerInterface !== ANY &&
    !query.interfaces.includes(ANY) &&
    !query.interfaces.includes(providerInterface) &&
    !query.interfaces.includes(provider.path)
  ) {
    return false;
  }
  const category = provider.params["category"] || "providers";
  if (!category.split(",").includes("providers")) return false;
  if (provider.params["enabled"] === "false") return false;
  const group = blankToUndefined(query.group);
  const providerGroup = blankToUndefined(provider.params["group"]);
  const groupMatches =
    group === ANY ||
    group === providerGroup ||
    (group !== undefined && providerGroup !== undefined && splitList(group).includes(providerGroup));
  const version = blankToUndefined(query.version);
  const versionMatches = version === ANY || version === blankToUndefined(provider.params["version"]);
  return groupMatches && versionMatches && isProtocolMatch(query.protocol, provider.protocol);
}

/** A service as application-level metadata describes it (MetadataInfo.ServiceInfo). */
export interface ServiceKeyTarget {
  readonly name: string;
  readonly path?: string;
  readonly group?: string;
  readonly version?: string;
  readonly protocol?: string;
}

/**
 * Dubbo's `ProtocolServiceKey.Matcher.isMatch` for application-level metadata: exact interface; version
 * and group each `*`, absent on both sides, or one of a comma-separated list; protocol `*`, absent, or
 * one of a list.
 */
export function isServiceKeyMatch(query: MatchQuery, target: ServiceKeyTarget): boolean {
  const named =
    query.interfaces.includes(target.name) ||
    (target.path !== undefined && query.interfaces.includes(target.path));
  if (!named) return false;
  return (
    isListMatch(query.version, target.version) &&
    isListMatch(query.group, target.group) &&
    isProtocolMatch(query.protocol, target.protocol)
  );
}

function isListMatch(rule: string | undefined, value: string | undefined): boolean {
  const r = blankToUndefined(rule);
  const v = blankToUndefined(value);
  if (r === ANY) return true;
  if (r === undefined) return v === undefined;
  if (!r.includes(",")) return r === v;
  return r.split(",").some((item) => {
    const t = item.trim();
    return t === "" ? v === undefined : t === v;
  });
}

function isProtocolMatch(rule: string | undefined, protocol: string | undefined): boolean {
  const r = blankToUndefined(rule);
  if (r === undefined || r === ANY) return true;
  return splitList(r).includes(protocol ?? "");
}

function splitList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
