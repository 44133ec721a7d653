import type { ClusterName } from "../../cluster/cluster-strategy.js";
import type { EndpointOverride } from "../../directory/directory.js";
import type { Invoker } from "../../directory/invoker.js";
import type { LoadBalanceName } from "../../loadbalance/load-balancer.js";
import { globMatch } from "../string-match.js";
import type { ConfigItem, ConfiguratorRule } from "./configurator-rule.js";

/** What consumer-side dynamic configuration changes for this consumer's calls. */
export interface ConsumerOverride {
  timeout?: number;
  retries?: number;
  loadbalance?: LoadBalanceName;
  cluster?: ClusterName;
  methods: Record<string, { timeout?: number; retries?: number; loadbalance?: LoadBalanceName }>;
}

/** Who is asking: the consumer and the service its directory holds. */
export interface ConfigTarget {
  readonly application: string;
  readonly host: string;
  readonly service: string;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Provider-side items of the rules (application scope first, then service scope, later items win, as
 * Dubbo applies them) folded into one override per endpoint: `weight` and `disabled`.
 */
export function providerOverride(
  rules: readonly ConfiguratorRule[],
  invoker: Invoker,
  target: ConfigTarget,
): EndpointOverride | undefined {
  let weight: number | undefined;
  let disabled: boolean | undefined;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    if (rule.scope === "application" && invoker.param("application") !== rule.key) continue;
    for (const item of rule.configs) {
      if (!item.enabled || item.side !== "provider") continue;
      if (!addressMatches(item.addresses, invoker.address, invoker.endpoint.host)) continue;
      if (!addressMatches(item.providerAddresses, invoker.address, invoker.endpoint.host)) continue;
      if (item.services.length > 0 && !item.services.includes(target.service)) continue;
      const app = invoker.param("application");
      if (
        !itemMatches(item, [invoker.address, invoker.endpoint.host], target.service, app, (k) =>
          invoker.param(k),
        )
      )
        continue;
      if (item.parameters.weight !== undefined) weight = item.parameters.weight;
      if (item.parameters.disabled !== undefined) disabled = item.parameters.disabled;
    }
  }
  return weight === undefined && disabled === undefined ? undefined : { weight, disabled };
}

/** Consumer-side items that apply to this consumer, folded into one override. */
export function consumerOverride(rules: readonly ConfiguratorRule[], target: ConfigTarget): ConsumerOverride {
  const out: ConsumerOverride = { methods: {} };
  for (const rule of rules) {
    if (!rule.enabled) continue;
    if (rule.scope === "application" && rule.key !== target.application) continue;
    for (const item of rule.configs) {
      if (!item.enabled || item.side !== "consumer") continue;
      if (!addressMatches(item.addresses, target.host, target.host)) continue;
      if (item.applications.length > 0 && !item.applications.includes(target.application)) continue;
      if (item.services.length > 0 && !item.services.includes(target.service)) continue;
      if (!itemMatches(item, [target.host], target.service, target.application, (k) => target.params[k]))
        continue;
      const p = item.parameters;
      if (p.timeout !== undefined) out.timeout = p.timeout;
      if (p.retries !== undefined) out.retries = p.retries;
      if (p.loadbalance !== undefined) out.loadbalance = p.loadbalance;
      if (p.cluster !== undefined) out.cluster = p.cluster;
      for (const [m, v] of Object.entries(p.methods)) out.methods[m] = { ...out.methods[m], ...v };
    }
  }
  return out;
}

function addressMatches(list: readonly string[], address: string, host: string): boolean {
  if (list.length === 0) return true;
  for (const a of list) {
    if (a === "0.0.0.0" || a === "*" || a === address || a === host) return true;
    // `0.0.0.0:20880`: any host on that port.
    if (a.startsWith("0.0.0.0:") && address.endsWith(a.slice("0.0.0.0".length))) return true;
    if (a.includes("*") && (globMatch(a, address) || globMatch(a, host))) return true;
  }
  return false;
}

function itemMatches(
  item: ConfigItem,
  addresses: readonly string[],
  service: string,
  application: string | undefined,
  param: (k: string) => string | undefined,
): boolean {
  const m = item.match;
  const matchAddress = m.address;
  if (matchAddress !== undefined && !addresses.some((a) => matchAddress(a))) return false;
  if (m.service !== undefined && !m.service.some((s) => s(service))) return false;
  if (m.application !== undefined && !m.application.some((s) => s(application))) return false;
  for (const p of m.param) if (!p.value(param(p.key))) return false;
  return true;
}
