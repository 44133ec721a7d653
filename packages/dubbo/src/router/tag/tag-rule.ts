import { RuleError } from "../../config/rule-error.js";
import { compileStringMatch, globMatch, type StringMatcher } from "../../config/string-match.js";
import {
  asMap,
  configVersion,
  optionalBoolean,
  optionalList,
  optionalString,
  parseYamlMap,
  stringList,
} from "../../config/yaml-document.js";
import type { Invoker } from "../../directory/invoker.js";

export interface TagDefinition {
  readonly name: string;
  /** `ip:port`, `ip`, or a glob over either (`10.0.0.*`). */
  readonly addresses: readonly string[];
  /** Endpoint parameters that must all match (v3.0 `match: [{key, value: StringMatch}]`). */
  readonly match: readonly { readonly key: string; readonly value: StringMatcher }[];
}

export interface TagRule {
  readonly key: string;
  readonly force: boolean;
  readonly enabled: boolean;
  readonly runtime: boolean;
  readonly tags: readonly TagDefinition[];
}

/** Parses a tag rule (`<provider-app>.tag-router`, configVersion v3.0, or v2.7 with addresses only). */
export function parseTagRule(text: string): TagRule {
  const doc = parseYamlMap(text);
  configVersion(doc, ["v2.7", "v3.0"]);
  const key = optionalString(doc, "key");
  if (key === undefined || key.trim() === "")
    throw new RuleError(`"key" is missing (the provider application)`);
  const list = optionalList(doc, "tags") ?? [];
  const names = new Set<string>();
  const tags = list.map((raw, i): TagDefinition => {
    const t = asMap(raw, `tags[${i}]`);
    const name = optionalString(t, "name");
    if (name === undefined || name === "") throw new RuleError(`tags[${i}].name is missing`);
    if (names.has(name)) throw new RuleError(`tag "${name}" is defined twice`);
    names.add(name);
    const match = (optionalList(t, "match") ?? []).map((m, j) => {
      const mm = asMap(m, `tags[${i}].match[${j}]`);
      const k = optionalString(mm, "key");
      if (k === undefined || k === "") throw new RuleError(`tags[${i}].match[${j}].key is missing`);
      return { key: k, value: compileStringMatch(mm.value, `tags[${i}].match[${j}].value`) };
    });
    const addresses = stringList(t, "addresses");
    if (addresses.length === 0 && match.length === 0) {
      throw new RuleError(`tag "${name}" selects nothing: give it addresses or match conditions`);
    }
    return { name, addresses, match };
  });
  return {
    key,
    force: optionalBoolean(doc, "force", false),
    enabled: optionalBoolean(doc, "enabled", true),
    runtime: optionalBoolean(doc, "runtime", true),
    tags,
  };
}

/** Whether an endpoint belongs to a dynamic tag group (by address or by its parameters). */
export function inTag(tag: TagDefinition, invoker: Invoker): boolean {
  for (const a of tag.addresses) {
    if (a === invoker.address || a === invoker.endpoint.host || a === "0.0.0.0") return true;
    if (a.includes("*") && (globMatch(a, invoker.address) || globMatch(a, invoker.endpoint.host)))
      return true;
  }
  if (tag.match.length === 0) return false;
  for (const m of tag.match) if (!m.value(invoker.param(m.key))) return false;
  return true;
}
