// Dubbo's traffic rules as Dubbo Admin writes them (configVersion v3.0 / v3.1): condition routes, tag
// routes and dynamic configuration. In the config directory they are either wrapped as resources of
// `apiVersion: dubbo.apache.org/v1alpha1` (kinds ConditionRoute, TagRoute, DynamicConfig; the Dubbo
// YAML is the `spec`) or written raw, exactly as Dubbo Admin stores them in ZooKeeper (see
// raw-dubbo-rule.ts). Either way the rule is checked here.
import {
  boolean,
  type Check,
  integer,
  isObject,
  listOf,
  object,
  oneOf,
  requiredObject,
  requiredString,
  string,
  stringList,
  stringMap,
} from "../check.js";
import { type ParsedCondition, parseCondition } from "./dubbo-condition.js";

/** Dubbo's StringMatch: Istio's three plus `wildcard`, `empty` and `noempty`. */
export interface DubboStringMatch {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
  readonly wildcard?: string;
  readonly empty?: string;
  readonly noempty?: string;
}

export interface ConditionRouteSpec {
  readonly configVersion: "v3.0" | "v3.1";
  readonly scope: "service" | "application";
  readonly key: string;
  readonly force: boolean;
  readonly enabled: boolean;
  readonly priority: number;
  /** v3.0 strings and v3.1 `from`/`to` objects, normalised: one entry per condition. */
  readonly conditions: readonly {
    readonly text: string;
    readonly parsed: ParsedCondition;
    /** v3.1 weighted destinations (`to`), each a then-side with a weight. */
    readonly weighted?: readonly { readonly parsed: ParsedCondition; readonly weight: number }[];
  }[];
}

export interface TagRouteSpec {
  readonly configVersion: string;
  readonly key: string;
  readonly force: boolean;
  readonly enabled: boolean;
  readonly tags: readonly {
    readonly name: string;
    readonly match: readonly { readonly key: string; readonly value: DubboStringMatch }[];
    readonly addresses: readonly string[];
  }[];
}

export interface OverrideConfig {
  readonly side: "provider" | "consumer";
  readonly enabled: boolean;
  readonly addresses: readonly string[];
  readonly providerAddresses: readonly string[];
  readonly applications: readonly string[];
  readonly services: readonly string[];
  readonly parameters: Readonly<Record<string, string>>;
  readonly matchAddress?: DubboStringMatch;
  readonly matchApplication: readonly DubboStringMatch[];
  readonly matchService: readonly DubboStringMatch[];
}

export interface DynamicConfigSpec {
  readonly configVersion: string;
  readonly scope: "service" | "application";
  readonly key: string;
  readonly enabled: boolean;
  readonly configs: readonly OverrideConfig[];
}

const VERSIONS = ["v3.0", "v3.1", "v2.7", "3.0", "3.1"] as const;

function checkDubboMatch(v: unknown, c: Check): DubboStringMatch | undefined {
  const o = object(v, c, ["exact", "prefix", "regex", "wildcard", "empty", "noempty"]);
  if (o === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const k of Object.keys(o)) {
    const s = o[k] === null ? "" : string(o[k], c.at(k));
    if (s !== undefined) out[k] = s;
  }
  if (Object.keys(out).length !== 1)
    return c.error("must set exactly one of exact, prefix, regex, wildcard, empty, noempty");
  return out;
}

function version(o: Record<string, unknown>, c: Check): string {
  return oneOf(o.configVersion, c.at("configVersion"), VERSIONS) ?? (o.configVersion == null ? "v3.0" : "");
}

function parsed(text: string | undefined, c: Check): ParsedCondition | undefined {
  if (text === undefined) return undefined;
  const p = parseCondition(text);
  if (typeof p === "string") return c.error(p);
  return p;
}

export function checkConditionRoute(spec: unknown, c: Check): ConditionRouteSpec | undefined {
  const o = requiredObject(spec, c, [
    "configVersion",
    "scope",
    "key",
    "force",
    "runtime",
    "enabled",
    "priority",
    "conditions",
  ]);
  if (o === undefined) return undefined;
  const v = version(o, c);
  const scope = oneOf(o.scope, c.at("scope"), ["service", "application"] as const) ?? "service";
  const key = requiredString(o.key, c.at("key"));
  const force = boolean(o.force, c.at("force")) ?? false;
  const enabled = boolean(o.enabled, c.at("enabled")) ?? true;
  const priority = integer(o.priority, c.at("priority"), -(2 ** 31), 2 ** 31 - 1) ?? 0;
  const items = listOf(o.conditions, c.at("conditions"), (item) => item);
  if (items.length === 0) c.at("conditions").error("must list at least one condition");
  const kinds = new Set(items.map((i) => (typeof i === "string" ? "v3.0" : "v3.1")));
  if (kinds.size > 1) c.at("conditions").error("must not mix v3.0 strings and v3.1 from/to objects");
  const conditions: ConditionRouteSpec["conditions"][number][] = [];
  items.forEach((item, i) => {
    const ic = c.at("conditions").at(i);
    if (typeof item === "string") {
      const p = parsed(item, ic);
      if (p !== undefined) conditions.push({ text: item, parsed: p });
      return;
    }
    const co = requiredObject(item, ic, ["from", "to", "priority", "trafficDisable", "force", "ratio"]);
    if (co === undefined) return;
    const from = object(co.from, ic.at("from"), ["match"]);
    const fromText = from === undefined ? "" : (string(from.match, ic.at("from").at("match")) ?? "");
    const to = listOf(co.to, ic.at("to"), (t, tc) => {
      const to = requiredObject(t, tc, ["match", "weight"]);
      if (to === undefined) return undefined;
      const text = string(to.match, tc.at("match")) ?? "";
      const weight = integer(to.weight, tc.at("weight"), 0, 100) ?? 100;
      const p = parsed(`=> ${text}`, tc.at("match"));
      return p === undefined ? undefined : { parsed: p, weight };
    });
    const whenOnly = parsed(`${fromText} =>`, ic.at("from").at("match"));
    if (whenOnly === undefined) return;
    const text = `${fromText} => ${to.length === 0 ? "" : "(weighted)"}`;
    if (to.length === 0) conditions.push({ text, parsed: whenOnly });
    else conditions.push({ text, parsed: { when: whenOnly.when, to: [] }, weighted: to });
  });
  if (key === undefined) return undefined;
  return {
    configVersion: v === "v3.1" || kinds.has("v3.1") ? "v3.1" : "v3.0",
    scope,
    key,
    force,
    enabled,
    priority,
    conditions,
  };
}

export function checkTagRoute(spec: unknown, c: Check): TagRouteSpec | undefined {
  const o = requiredObject(spec, c, [
    "configVersion",
    "key",
    "force",
    "runtime",
    "enabled",
    "priority",
    "tags",
    "scope",
  ]);
  if (o === undefined) return undefined;
  const configVersion = version(o, c);
  const key = requiredString(o.key, c.at("key"));
  const force = boolean(o.force, c.at("force")) ?? false;
  const enabled = boolean(o.enabled, c.at("enabled")) ?? true;
  const names = new Set<string>();
  const tags = listOf(o.tags, c.at("tags"), (t, tc) => {
    const to = requiredObject(t, tc, ["name", "match", "addresses"]);
    if (to === undefined) return undefined;
    const name = requiredString(to.name, tc.at("name"));
    if (name !== undefined && names.has(name)) tc.at("name").error(`duplicate tag "${name}"`);
    if (name !== undefined) names.add(name);
    const match = listOf(to.match, tc.at("match"), (m, mc) => {
      const mo = requiredObject(m, mc, ["key", "value"]);
      if (mo === undefined) return undefined;
      const k = requiredString(mo.key, mc.at("key"));
      const value = checkDubboMatch(mo.value, mc.at("value"));
      if (mo.value == null) mc.at("value").error("is required");
      return k === undefined || value === undefined ? undefined : { key: k, value };
    });
    const addresses = stringList(to.addresses, tc.at("addresses"));
    if (name === undefined) return undefined;
    return { name, match, addresses };
  });
  if (key === undefined) return undefined;
  return { configVersion, key, force, enabled, tags };
}

function oneofList(v: unknown, c: Check): DubboStringMatch[] {
  const o = object(v, c, ["oneof"]);
  if (o === undefined) return [];
  return listOf(o.oneof, c.at("oneof"), checkDubboMatch);
}

export function checkDynamicConfig(spec: unknown, c: Check): DynamicConfigSpec | undefined {
  const o = requiredObject(spec, c, ["configVersion", "scope", "key", "enabled", "configs"]);
  if (o === undefined) return undefined;
  const configVersion = version(o, c);
  const scope = oneOf(o.scope, c.at("scope"), ["service", "application"] as const) ?? "service";
  const key = requiredString(o.key, c.at("key"));
  const enabled = boolean(o.enabled, c.at("enabled")) ?? true;
  const configs = listOf(o.configs, c.at("configs"), (item, ic) => {
    const co = requiredObject(item, ic, [
      "side",
      "addresses",
      "providerAddresses",
      "parameters",
      "match",
      "enabled",
      "applications",
      "services",
      "type",
    ]);
    if (co === undefined) return undefined;
    const side = oneOf(co.side, ic.at("side"), ["provider", "consumer"] as const) ?? "consumer";
    const parameters = stringMap(
      isObject(co.parameters)
        ? Object.fromEntries(
            Object.entries(co.parameters).map(([k, v]) => [
              k,
              typeof v === "number" || typeof v === "boolean" ? String(v) : v,
            ]),
          )
        : co.parameters,
      ic.at("parameters"),
    );
    if (parameters === undefined) ic.at("parameters").error("is required");
    const m = object(co.match, ic.at("match"), [
      "address",
      "providerAddress",
      "service",
      "application",
      "param",
    ]);
    const matchAddress =
      m === undefined ? undefined : checkDubboMatch(m.address, ic.at("match").at("address"));
    return {
      side,
      enabled: boolean(co.enabled, ic.at("enabled")) ?? true,
      addresses: stringList(co.addresses, ic.at("addresses")),
      providerAddresses: stringList(co.providerAddresses, ic.at("providerAddresses")),
      applications: stringList(co.applications, ic.at("applications")),
      services: stringList(co.services, ic.at("services")),
      parameters: parameters ?? {},
      ...(matchAddress === undefined ? {} : { matchAddress }),
      matchApplication: m === undefined ? [] : oneofList(m.application, ic.at("match").at("application")),
      matchService: m === undefined ? [] : oneofList(m.service, ic.at("match").at("service")),
    };
  });
  if (configs.length === 0 && o.configs == null) c.at("configs").error("is required");
  if (key === undefined) return undefined;
  return { configVersion, scope, key, enabled, configs };
}

/** Dubbo's rule key (the ZooKeeper node / Nacos dataId name) for a rule. */
export function dubboRuleKey(kind: "ConditionRoute" | "TagRoute" | "DynamicConfig", key: string): string {
  const suffix =
    kind === "ConditionRoute" ? ".condition-router" : kind === "TagRoute" ? ".tag-router" : ".configurators";
  return key + suffix;
}
