import type { ClusterName } from "../../cluster/cluster-strategy.js";
import { isClusterName } from "../../cluster/clusters.js";
import { isLoadBalanceName } from "../../loadbalance/balancers.js";
import type { LoadBalanceName } from "../../loadbalance/load-balancer.js";
import { RuleError } from "../rule-error.js";
import { compileStringMatch, type StringMatcher } from "../string-match.js";
import {
  asMap,
  configVersion,
  optionalBoolean,
  optionalList,
  optionalString,
  parseYamlMap,
  stringList,
  type YamlMap,
} from "../yaml-document.js";

/** The parameters this SDK acts on; others (accesslog, threads, ...) are accepted and ignored. */
export interface ConfigParameters {
  weight?: number;
  disabled?: boolean;
  timeout?: number;
  retries?: number;
  loadbalance?: LoadBalanceName;
  cluster?: ClusterName;
  /** `<method>.timeout`, `<method>.retries`, `<method>.loadbalance` entries. */
  methods: Record<string, { timeout?: number; retries?: number; loadbalance?: LoadBalanceName }>;
}

export interface ConfigItem {
  readonly side: "provider" | "consumer";
  readonly enabled: boolean;
  /** `0.0.0.0` / `*` (any), `ip`, `ip:port`, or globs of those. Empty: any. */
  readonly addresses: readonly string[];
  readonly providerAddresses: readonly string[];
  readonly services: readonly string[];
  readonly applications: readonly string[];
  readonly match: {
    readonly address?: StringMatcher;
    readonly service?: readonly StringMatcher[];
    readonly application?: readonly StringMatcher[];
    readonly param: readonly { readonly key: string; readonly value: StringMatcher }[];
  };
  readonly parameters: ConfigParameters;
}

export interface ConfiguratorRule {
  readonly key: string;
  readonly scope: "service" | "application";
  readonly enabled: boolean;
  readonly configs: readonly ConfigItem[];
}

/**
 * Parses a dynamic configuration rule (`<service-key>.configurators` / `<app>.configurators`,
 * configVersion v2.7 or v3.0). Parameter values are checked here so that a typo such as
 * `weight: heavy` is rejected up front instead of misbehaving at call time.
 */
export function parseConfiguratorRule(text: string): ConfiguratorRule {
  const doc = parseYamlMap(text);
  configVersion(doc, ["v2.7", "v3.0"]);
  const key = optionalString(doc, "key");
  if (key === undefined || key.trim() === "") throw new RuleError(`"key" is missing`);
  const scope = optionalString(doc, "scope");
  if (scope !== "service" && scope !== "application") {
    throw new RuleError(`"scope" must be service or application, got ${JSON.stringify(scope)}`);
  }
  const list = optionalList(doc, "configs");
  if (list === undefined || list.length === 0) throw new RuleError(`"configs" is missing or empty`);
  return {
    key,
    scope,
    enabled: optionalBoolean(doc, "enabled", true),
    configs: list.map((c, i) => parseItem(asMap(c, `configs[${i}]`), `configs[${i}]`)),
  };
}

function parseItem(c: YamlMap, where: string): ConfigItem {
  const side = optionalString(c, "side") ?? "provider";
  if (side !== "provider" && side !== "consumer") {
    throw new RuleError(`${where}.side must be provider or consumer, got "${side}"`);
  }
  const m = c.match === undefined || c.match === null ? {} : asMap(c.match, `${where}.match`);
  const oneof = (field: string): StringMatcher[] | undefined => {
    if (m[field] === undefined || m[field] === null) return undefined;
    const f = asMap(m[field], `${where}.match.${field}`);
    const list = optionalList(f, "oneof") ?? [];
    return list.map((x, i) => compileStringMatch(x, `${where}.match.${field}.oneof[${i}]`));
  };
  let address: StringMatcher | undefined;
  if (m.address !== undefined && m.address !== null) {
    const a = asMap(m.address, `${where}.match.address`);
    // AddressMatch: wildcard | exact | cird (CIDR is read as a prefix: "10.0.0.0/8" -> "10.").
    if (typeof a.cird === "string") {
      address = cidrPrefix(a.cird, `${where}.match.address.cird`);
    } else {
      address = compileStringMatch(a, `${where}.match.address`);
    }
  }
  const param = (optionalList(m, "param") ?? []).map((p, i) => {
    const pm = asMap(p, `${where}.match.param[${i}]`);
    const key = optionalString(pm, "key");
    if (key === undefined || key === "") throw new RuleError(`${where}.match.param[${i}].key is missing`);
    return { key, value: compileStringMatch(pm.value, `${where}.match.param[${i}].value`) };
  });
  const parametersRaw =
    c.parameters === undefined || c.parameters === null ? {} : asMap(c.parameters, `${where}.parameters`);
  return {
    side,
    enabled: optionalBoolean(c, "enabled", true),
    addresses: stringList(c, "addresses"),
    providerAddresses: stringList(c, "providerAddresses"),
    services: stringList(c, "services"),
    applications: stringList(c, "applications"),
    match: { address, service: oneof("service"), application: oneof("application"), param },
    parameters: parseParameters(parametersRaw, `${where}.parameters`),
  };
}

function parseParameters(p: YamlMap, where: string): ConfigParameters {
  const out: ConfigParameters = { methods: {} };
  for (const [rawKey, rawValue] of Object.entries(p)) {
    const value = rawValue === null || rawValue === undefined ? "" : String(rawValue);
    const dot = rawKey.lastIndexOf(".");
    const name = dot < 0 ? rawKey : rawKey.slice(dot + 1);
    const method = dot < 0 ? undefined : rawKey.slice(0, dot);
    if (method !== undefined && out.methods[method] === undefined) out.methods[method] = {};
    const target: { timeout?: number; retries?: number; loadbalance?: LoadBalanceName } =
      method === undefined ? out : out.methods[method];
    const at = `${where}.${rawKey}`;
    switch (name) {
      case "weight":
        if (method !== undefined) break;
        out.weight = integer(value, at, 0);
        break;
      case "disabled":
        if (method !== undefined) break;
        if (value !== "true" && value !== "false")
          throw new RuleError(`${at} must be true or false, got "${value}"`);
        out.disabled = value === "true";
        break;
      case "timeout":
        target.timeout = integer(value, at, 1);
        break;
      case "retries":
        target.retries = integer(value, at, 0);
        break;
      case "loadbalance":
        if (!isLoadBalanceName(value)) throw new RuleError(`${at}: unknown load balancer "${value}"`);
        target.loadbalance = value;
        break;
      case "cluster":
        if (method !== undefined) break;
        if (!isClusterName(value)) throw new RuleError(`${at}: unknown cluster strategy "${value}"`);
        out.cluster = value;
        break;
      default:
        break; // Dubbo knows many more (accesslog, threads, ...); they do not concern this SDK.
    }
  }
  return out;
}

function integer(value: string, where: string, min: number): number {
  if (!/^\d+$/.test(value.trim())) throw new RuleError(`${where} must be an integer, got "${value}"`);
  const n = Number(value);
  if (n < min) throw new RuleError(`${where} must be at least ${min}, got ${n}`);
  return n;
}

function cidrPrefix(cidr: string, where: string): StringMatcher {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr.trim());
  if (m === null) throw new RuleError(`${where}: invalid IPv4 CIDR "${cidr}"`);
  const bits = Number(m[5]);
  if (bits > 32) throw new RuleError(`${where}: invalid prefix length in "${cidr}"`);
  const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (v) => {
    if (v === undefined) return false;
    const host = v.includes(":") ? v.slice(0, v.lastIndexOf(":")) : v;
    const p = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
    if (p === null) return false;
    const ip = ((Number(p[1]) << 24) | (Number(p[2]) << 16) | (Number(p[3]) << 8) | Number(p[4])) >>> 0;
    return (ip & mask) >>> 0 === (base & mask) >>> 0;
  };
}
