// Dubbo rules served as they are, for the SDK's own router (the parts xDS cannot express: argument
// matches, `$param` references, scripts...). Resource type `google.protobuf.StringValue` holding the
// rule YAML exactly as Dubbo Admin writes it, named by Dubbo's rule key
// (`<key>.condition-router`, `<key>.tag-router`, `<key>.configurators`) -- what the SDK's
// ConfigSource.watchRule(key) hands to its routers. A wildcard subscription gets every rule.
import { create, toBinary } from "@bufbuild/protobuf";
import { type Any, AnySchema, StringValueSchema } from "@bufbuild/protobuf/wkt";
import { stringify } from "yaml";
import type { ConfigSnapshot } from "../config/config-store.js";
import { dubboRuleKey } from "../config/kinds/dubbo-rules.js";
import type { AnyResource } from "../config/resource.js";

export const DUBBO_RULE_TYPE_URL = "type.googleapis.com/google.protobuf.StringValue";

const KINDS = ["ConditionRoute", "TagRoute", "DynamicConfig"] as const;

/** The Dubbo YAML of a rule: the raw document, or the `spec` of its dubbo.apache.org wrapper. */
export function dubboRuleYaml(r: AnyResource): string {
  const raw = r.raw;
  const body = "spec" in raw && raw.apiVersion !== undefined ? raw.spec : raw;
  return stringify(body);
}

export function dubboRules(config: ConfigSnapshot): Map<string, AnyResource> {
  const out = new Map<string, AnyResource>();
  for (const kind of KINDS) {
    for (const r of config.list(kind)) {
      const key = dubboRuleKey(kind, r.spec.key);
      if (!out.has(key)) out.set(key, r as AnyResource);
    }
  }
  return out;
}

export function dubboRuleAny(r: AnyResource): Any {
  return create(AnySchema, {
    typeUrl: DUBBO_RULE_TYPE_URL,
    value: toBinary(StringValueSchema, create(StringValueSchema, { value: dubboRuleYaml(r) })),
  });
}
