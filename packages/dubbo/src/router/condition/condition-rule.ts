import { RuleError } from "../../config/rule-error.js";
import {
  asMap,
  configVersion,
  optionalBoolean,
  optionalInteger,
  optionalList,
  optionalString,
  parseYamlMap,
  type YamlMap,
} from "../../config/yaml-document.js";
import { type ConditionMatcher, parseConditionExpression } from "./condition-expression.js";

/** v3.0: `when => then`. `destination === null` means deny (an empty right side). */
export interface SimpleCondition {
  readonly kind: "simple";
  readonly text: string;
  readonly when: readonly ConditionMatcher[];
  readonly destination: readonly ConditionMatcher[] | null;
}

/** v3.1: `from` -> weighted `to` destinations. */
export interface MultiDestCondition {
  readonly kind: "multi";
  readonly text: string;
  readonly when: readonly ConditionMatcher[];
  readonly to: readonly { readonly match: readonly ConditionMatcher[]; readonly weight: number }[];
  readonly trafficDisable: boolean;
  readonly force: boolean;
  /** Minimum share (percent) of the endpoints a chosen destination must hold. */
  readonly ratio: number;
  readonly priority: number;
}

export type Condition = SimpleCondition | MultiDestCondition;

export interface ConditionRule {
  readonly configVersion: string;
  readonly key: string;
  readonly scope: "service" | "application";
  readonly force: boolean;
  readonly runtime: boolean;
  readonly enabled: boolean;
  readonly priority: number;
  readonly conditions: readonly Condition[];
}

/**
 * Parses a condition rule as Dubbo Admin writes it (configVersion v3.0 with `when => then` strings,
 * v3.1 with `from`/`to` objects; v2.7 is read as v3.0). Throws RuleError naming what is wrong.
 */
export function parseConditionRule(text: string): ConditionRule {
  const doc = parseYamlMap(text);
  const version = configVersion(doc, ["v2.7", "v3.0", "v3.1"]);
  const key = optionalString(doc, "key");
  if (key === undefined || key.trim() === "") throw new RuleError(`"key" is missing`);
  const scope = optionalString(doc, "scope") ?? "service";
  if (scope !== "service" && scope !== "application") {
    throw new RuleError(`"scope" must be service or application, got "${scope}"`);
  }
  const list = optionalList(doc, "conditions");
  if (list === undefined || list.length === 0) throw new RuleError(`"conditions" is missing or empty`);
  const force = optionalBoolean(doc, "force", false);
  let conditions: Condition[];
  if (version === "v3.1") {
    conditions = list.map((c, i) => {
      if (typeof c === "string") {
        throw new RuleError(
          `conditions[${i}] is a v3.0 string in a v3.1 rule; v3.1 needs {from: {match}, to: [...]}`,
        );
      }
      return parseMultiDest(asMap(c, `conditions[${i}]`), i, force);
    });
    // Higher priority first; stable for equal ones, so the written order still counts.
    conditions = conditions
      .map((c, i) => ({ c, i }))
      .sort(
        (a, b) => (b.c as MultiDestCondition).priority - (a.c as MultiDestCondition).priority || a.i - b.i,
      )
      .map((x) => x.c);
  } else {
    conditions = list.map((c, i) => {
      if (typeof c !== "string") {
        throw new RuleError(`conditions[${i}] must be a "when => then" string in a ${version} rule`);
      }
      return parseSimple(c, i);
    });
  }
  return {
    configVersion: version,
    key,
    scope,
    force,
    runtime: optionalBoolean(doc, "runtime", true),
    enabled: optionalBoolean(doc, "enabled", true),
    priority: optionalInteger(doc, "priority", 0),
    conditions,
  };
}

function parseSimple(raw: string, i: number): SimpleCondition {
  const text = raw.replaceAll("consumer.", "").replaceAll("provider.", "");
  const arrow = text.indexOf("=>");
  const whenText = arrow < 0 ? "" : text.slice(0, arrow).trim();
  const thenText = (arrow < 0 ? text : text.slice(arrow + 2)).trim();
  try {
    return {
      kind: "simple",
      text: raw,
      when: whenText === "" || whenText === "true" ? [] : parseConditionExpression(whenText, "when"),
      destination:
        thenText === "" || thenText === "false" ? null : parseConditionExpression(thenText, "then"),
    };
  } catch (e) {
    throw new RuleError(`conditions[${i}]: ${(e as Error).message}`);
  }
}

function parseMultiDest(c: YamlMap, i: number, ruleForce: boolean): MultiDestCondition {
  const where = `conditions[${i}]`;
  const from = c.from === undefined || c.from === null ? {} : asMap(c.from, `${where}.from`);
  const fromText = optionalString(from, "match") ?? "";
  const toList = optionalList(c, "to") ?? [];
  try {
    const to = toList.map((t, j) => {
      const m = asMap(t, `${where}.to[${j}]`);
      const matchText = optionalString(m, "match") ?? "";
      const weight = optionalInteger(m, "weight", 100);
      if (weight < 0 || weight > 100)
        throw new RuleError(`${where}.to[${j}].weight must be 0-100, got ${weight}`);
      return {
        match:
          matchText.trim() === "" || matchText === "false" ? [] : parseConditionExpression(matchText, "then"),
        weight,
      };
    });
    const ratio = optionalInteger(c, "ratio", 0);
    if (ratio < 0 || ratio > 100) throw new RuleError(`${where}.ratio must be 0-100, got ${ratio}`);
    return {
      kind: "multi",
      text: `${fromText} => ${toList.length} destination(s)`,
      when: fromText.trim() === "" || fromText === "true" ? [] : parseConditionExpression(fromText, "when"),
      to,
      trafficDisable: optionalBoolean(c, "trafficDisable", false),
      force: optionalBoolean(c, "force", ruleForce),
      ratio,
      priority: optionalInteger(c, "priority", 0),
    };
  } catch (e) {
    if (e instanceof RuleError && e.message.startsWith(where)) throw e;
    throw new RuleError(`${where}: ${(e as Error).message}`);
  }
}
