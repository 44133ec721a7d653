// Which Dubbo rules govern a host, and what part of them xDS expresses: generated subsets
// (`dubbo-<hash>`), the conditions in order, tag routing, consumer timeouts/retries/load balancing
// and provider weights. One plan per host and push; the routes for a client are made from it.
import { createHash } from "node:crypto";
import type { ConfigSnapshot } from "../../config/config-store.js";
import type { Condition } from "../../config/kinds/dubbo-condition.js";
import type {
  ConditionRouteSpec,
  DubboStringMatch,
  DynamicConfigSpec,
  OverrideConfig,
  TagRouteSpec,
} from "../../config/kinds/dubbo-rules.js";
import type { ConfigResource } from "../../config/resource.js";
import type { Endpoint, RegistrySnapshot } from "../../registry/registry-snapshot.js";
import type { SubsetDef } from "../mesh-view.js";
import { andSelectors, type ProviderSelector, providerSelector, Unsupported } from "./dubbo-match.js";

export interface PlannedCondition {
  readonly rule: string;
  readonly text: string;
  readonly iface: string | undefined;
  readonly force: boolean;
  readonly when: readonly Condition[];
  /** Subsets with weights; "deny"; or why the SDK must evaluate it. */
  readonly to:
    | readonly { readonly subset: string; readonly weight: number; readonly empty: boolean }[]
    | "deny"
    | Unsupported;
}

export interface PlannedTag {
  readonly name: string;
  readonly subset: string;
  readonly empty: boolean;
}

export interface DubboPlan {
  readonly subsets: ReadonlyMap<string, SubsetDef>;
  readonly conditions: readonly PlannedCondition[];
  readonly tags?: {
    readonly rule: string;
    readonly force: boolean;
    readonly list: readonly PlannedTag[];
    readonly untagged: string;
    readonly untaggedEmpty: boolean;
  };
  readonly consumerConfigs: readonly { readonly rule: string; readonly config: OverrideConfig }[];
  readonly providerConfigs: readonly OverrideConfig[];
  /** Dubbo `loadbalance` from unrestricted consumer configs. */
  readonly loadbalance?: string;
}

export const EMPTY_PLAN: DubboPlan = {
  subsets: new Map(),
  conditions: [],
  consumerConfigs: [],
  providerConfigs: [],
};

/** `group/iface:version` (Dubbo 2) or `iface:version:group` (Dubbo 3 rule keys) -> iface. */
export function interfaceOf(key: string): string {
  const noGroup = key.includes("/") ? key.slice(key.indexOf("/") + 1) : key;
  return noGroup.split(":")[0];
}

function appOf(host: string, registry: RegistrySnapshot, port: number): Set<string> {
  const apps = new Set<string>([host.split(".")[0]]);
  for (const e of registry.endpoints(host, port)) if (e.labels.app !== undefined) apps.add(e.labels.app);
  return apps;
}

function matches(m: DubboStringMatch, value: string | undefined): boolean {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value?.startsWith(m.prefix) ?? false;
  if (m.regex !== undefined) return value !== undefined && new RegExp(`^(?:${m.regex})$`).test(value);
  if (m.wildcard !== undefined) return m.wildcard === "*" || value === m.wildcard;
  if (m.empty !== undefined) return value === undefined || value === "";
  if (m.noempty !== undefined) return value !== undefined && value !== "";
  return false;
}

export function subsetName(selectorId: string): string {
  return `dubbo-${createHash("sha1").update(selectorId).digest("hex").slice(0, 10)}`;
}

export function buildDubboPlan(
  config: ConfigSnapshot,
  registry: RegistrySnapshot,
  host: string,
  port: number,
): DubboPlan {
  const crs = config.list("ConditionRoute").filter((r) => r.spec.enabled);
  const trs = config.list("TagRoute").filter((r) => r.spec.enabled);
  const dcs = config.list("DynamicConfig").filter((r) => r.spec.enabled);
  if (crs.length === 0 && trs.length === 0 && dcs.length === 0) return EMPTY_PLAN;
  const all = registry.endpoints(host, port);
  const apps = appOf(host, registry, port);
  const provided = new Set(all.flatMap((e) => e.instance.dubboServices));
  const applies = (scope: "service" | "application", key: string) =>
    scope === "service" ? provided.has(interfaceOf(key)) : apps.has(key);

  const subsets = new Map<string, SubsetDef>();
  const addSubset = (sel: ProviderSelector) => {
    const name = subsetName(sel.id);
    if (!subsets.has(name)) subsets.set(name, { name, select: sel.select });
    return { name, empty: !all.some((e) => sel.select(e)) };
  };

  // Tag routing (one rule per provider application).
  let tags: DubboPlan["tags"];
  let untaggedSel: ProviderSelector | undefined;
  const tr = trs.find((r) => apps.has(r.spec.key));
  if (tr !== undefined) {
    const spec: TagRouteSpec = tr.spec;
    const tagSelectors = spec.tags.map((t) => ({
      name: t.name,
      sel: {
        id: `tag=${t.name}`,
        select: (e: Endpoint) =>
          e.labels["dubbo.tag"] === t.name ||
          t.addresses.some((a) => a === e.address || a === `${e.address}:${e.port}`) ||
          (t.match.length > 0 && t.match.every((m) => matches(m.value, e.labels[m.key]))),
      } satisfies ProviderSelector,
    }));
    untaggedSel = { id: "untagged", select: (e) => !tagSelectors.some((t) => t.sel.select(e)) };
    const u = addSubset(untaggedSel);
    tags = {
      rule: `${tr.metadata.namespace}/${tr.metadata.name}`,
      force: spec.force,
      list: tagSelectors.map((t) => ({
        name: t.name,
        ...(() => {
          const s = addSubset(t.sel);
          return { subset: s.name, empty: s.empty };
        })(),
      })),
      untagged: u.name,
      untaggedEmpty: u.empty,
    };
  }

  // Condition routes, higher priority first.
  const conditions: PlannedCondition[] = [];
  const sorted = [...crs].sort((a, b) => b.spec.priority - a.spec.priority);
  for (const r of sorted as ConfigResource<"ConditionRoute">[]) {
    const spec: ConditionRouteSpec = r.spec;
    if (!applies(spec.scope, spec.key)) continue;
    const iface = spec.scope === "service" ? interfaceOf(spec.key) : undefined;
    for (const c of spec.conditions) {
      const rule = `${r.metadata.namespace}/${r.metadata.name}`;
      let to: PlannedCondition["to"];
      if (c.parsed.to === "deny") to = "deny";
      else {
        const targets = c.weighted ?? [{ parsed: c.parsed, weight: 100 }];
        const out: { subset: string; weight: number; empty: boolean }[] = [];
        for (const t of targets) {
          if (t.parsed.to === "deny") {
            to = new Unsupported("a weighted destination without providers");
            break;
          }
          const sel = providerSelector(t.parsed.to);
          if (sel instanceof Unsupported) {
            to = sel;
            break;
          }
          const s = addSubset(andSelectors(sel, untaggedSel));
          out.push({ subset: s.name, weight: t.weight, empty: s.empty });
        }
        to ??= out;
      }
      conditions.push({ rule, text: c.text, iface, force: spec.force, when: c.parsed.when, to });
    }
  }

  const consumerConfigs: { rule: string; config: OverrideConfig }[] = [];
  const providerConfigs: OverrideConfig[] = [];
  let loadbalance: string | undefined;
  for (const r of dcs as ConfigResource<"DynamicConfig">[]) {
    const spec: DynamicConfigSpec = r.spec;
    if (!applies(spec.scope, spec.key)) continue;
    for (const cfg of spec.configs) {
      if (!cfg.enabled) continue;
      if (cfg.side === "provider") providerConfigs.push(cfg);
      else {
        consumerConfigs.push({ rule: `${r.metadata.namespace}/${r.metadata.name}`, config: cfg });
        const unrestricted =
          cfg.applications.length === 0 &&
          cfg.matchApplication.length === 0 &&
          cfg.addresses.every((a) => a.startsWith("0.0.0.0"));
        if (unrestricted && cfg.parameters.loadbalance !== undefined)
          loadbalance = cfg.parameters.loadbalance;
      }
    }
  }
  return {
    subsets,
    conditions,
    ...(tags === undefined ? {} : { tags }),
    consumerConfigs,
    providerConfigs,
    ...(loadbalance === undefined ? {} : { loadbalance }),
  };
}

/** Provider-side dynamic config: `weight` and `disabled` for the providers it addresses. */
export function adjustProviders(plan: DubboPlan, endpoints: readonly Endpoint[]): readonly Endpoint[] {
  if (plan.providerConfigs.length === 0) return endpoints;
  const out: Endpoint[] = [];
  for (const e of endpoints) {
    let weight = e.weight;
    let disabled = false;
    for (const cfg of plan.providerConfigs) {
      const addrs = [...cfg.addresses, ...cfg.providerAddresses];
      const hit =
        (addrs.length === 0 && cfg.matchAddress === undefined) ||
        addrs.some((a) => a.startsWith("0.0.0.0") || a === e.address || a === `${e.address}:${e.port}`) ||
        (cfg.matchAddress !== undefined && matches(cfg.matchAddress, `${e.address}:${e.port}`));
      if (!hit) continue;
      const w = Number(cfg.parameters.weight);
      if (cfg.parameters.weight !== undefined && Number.isInteger(w) && w > 0) weight = w;
      if (cfg.parameters.disabled === "true") disabled = true;
    }
    if (!disabled) out.push(weight === e.weight ? e : { ...e, weight });
  }
  return out;
}

/** Consumer configs that apply to a client (its application and address). */
export function consumerParameters(
  plan: DubboPlan,
  app: string | undefined,
  ips: readonly string[],
): Record<string, string> {
  const params: Record<string, string> = {};
  for (const { config: c } of plan.consumerConfigs) {
    if (c.applications.length > 0 && (app === undefined || !c.applications.includes(app))) continue;
    if (c.matchApplication.length > 0 && !c.matchApplication.some((m) => matches(m, app))) continue;
    if (
      c.addresses.length > 0 &&
      !c.addresses.some((a) => a.startsWith("0.0.0.0") || ips.includes(a.split(":")[0]))
    )
      continue;
    Object.assign(params, c.parameters);
  }
  return params;
}

export interface PlanReport {
  readonly rule: string;
  readonly condition: string;
  /** `xds`: expressed as routes; `sdk`: served as-is for the SDK's router; `per-client`: depends on the caller. */
  readonly translation: "xds" | "sdk" | "per-client";
  readonly reason?: string;
}

/** How each condition of a plan was translated, for /debug/configz. */
export function describePlan(
  plan: DubboPlan,
  whenCheck: (c: PlannedCondition) => Unsupported | "per-client" | undefined,
): PlanReport[] {
  return plan.conditions.map((c) => {
    if (c.to instanceof Unsupported)
      return { rule: c.rule, condition: c.text, translation: "sdk", reason: c.to.reason };
    const w = whenCheck(c);
    if (w instanceof Unsupported)
      return { rule: c.rule, condition: c.text, translation: "sdk", reason: w.reason };
    return { rule: c.rule, condition: c.text, translation: w === "per-client" ? "per-client" : "xds" };
  });
}
