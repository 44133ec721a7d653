/** Suffixes of the rule keys in Dubbo's config center (`/dubbo/config/dubbo/<key>`). */
export const CONDITION_ROUTER_SUFFIX = ".condition-router";
export const TAG_ROUTER_SUFFIX = ".tag-router";
export const CONFIGURATORS_SUFFIX = ".configurators";

/**
 * Dubbo's `URL.getColonSeparatedKey()`: `interface:version:group`, empty parts keep their colon, so a
 * service without version and group is `com.foo.DemoService::`. Service-scope rules live under it.
 */
export function serviceRuleKey(q: { interface: string; group?: string; version?: string }): string {
  return `${q.interface}:${q.version ?? ""}:${q.group ?? ""}`;
}
