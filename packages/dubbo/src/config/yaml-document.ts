import { parse } from "yaml";
import { RuleError } from "./rule-error.js";

export type YamlMap = Record<string, unknown>;

/** Parses rule text into a mapping, with errors a person can act on. */
export function parseYamlMap(text: string): YamlMap {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new RuleError(`invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
    throw new RuleError("the rule must be a YAML mapping (configVersion, key, ...)");
  }
  return doc as YamlMap;
}

export function optionalBoolean(map: YamlMap, field: string, fallback: boolean): boolean {
  const v = map[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  throw new RuleError(`"${field}" must be true or false, got ${JSON.stringify(v)}`);
}

export function optionalString(map: YamlMap, field: string): string | undefined {
  const v = map[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new RuleError(`"${field}" must be a string, got ${JSON.stringify(v)}`);
}

export function optionalInteger(map: YamlMap, field: string, fallback: number): number {
  const v = map[field];
  if (v === undefined || v === null) return fallback;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new RuleError(`"${field}" must be an integer, got ${JSON.stringify(v)}`);
  }
  return n;
}

export function optionalList(map: YamlMap, field: string): unknown[] | undefined {
  const v = map[field];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new RuleError(`"${field}" must be a list`);
  return v;
}

export function stringList(map: YamlMap, field: string): string[] {
  const list = optionalList(map, field) ?? [];
  return list.map((x, i) => {
    if (typeof x === "string" || typeof x === "number") return String(x);
    throw new RuleError(`"${field}[${i}]" must be a string`);
  });
}

export function asMap(v: unknown, where: string): YamlMap {
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new RuleError(`${where} must be a mapping`);
  return v as YamlMap;
}

/** `configVersion`, checked against the versions a rule kind accepts. */
export function configVersion(map: YamlMap, accepted: readonly string[]): string {
  const v = optionalString(map, "configVersion");
  if (v === undefined)
    throw new RuleError(`"configVersion" is missing (expected one of ${accepted.join(", ")})`);
  if (!accepted.includes(v)) {
    throw new RuleError(`unsupported configVersion "${v}" (expected one of ${accepted.join(", ")})`);
  }
  return v;
}
