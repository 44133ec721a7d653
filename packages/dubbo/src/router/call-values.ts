import type { Invocation } from "../client/invocation.js";
import type { ConditionKey, ConditionMatcher } from "./condition/condition-expression.js";
import type { ConsumerParam } from "./condition/value-pattern.js";

/**
 * The value(s) a condition key has for a call (left of `=>`): the method (by its wire or TypeScript
 * name), an argument, an attachment, or a consumer parameter.
 */
export function callValues(key: ConditionKey, inv: Invocation, consumer: ConsumerParam): readonly string[] {
  switch (key.kind) {
    case "method":
      return inv.localName === inv.method ? [inv.method] : [inv.method, inv.localName];
    case "attachment": {
      const v = inv.attachment(key.name);
      return v === undefined ? [] : [v];
    }
    case "argument": {
      let v: unknown = inv.arguments[key.index];
      for (const part of key.path) {
        if (v === null || typeof v !== "object") return [];
        v = (v as Record<string, unknown>)[part];
      }
      return isScalar(v) ? [String(v)] : [];
    }
    case "param": {
      const v = consumer(key.name);
      return v === undefined ? [] : [v];
    }
  }
}

function isScalar(v: unknown): v is string | number | boolean | bigint {
  const t = typeof v;
  return t === "string" || t === "number" || t === "boolean" || t === "bigint";
}

/**
 * Dubbo's `AbstractConditionMatcher.isMatch` over the values a key has: no value never matches; a
 * value equal to a `!=` pattern fails; otherwise it must equal one of the `=` patterns, if there are any.
 */
export function termMatches(
  term: ConditionMatcher,
  values: readonly string[],
  consumer: ConsumerParam,
): boolean {
  if (values.length === 0) return false;
  for (const v of values) for (const p of term.mismatches) if (p(v, consumer)) return false;
  if (term.matches.length === 0) return true;
  for (const v of values) for (const p of term.matches) if (p(v, consumer)) return true;
  return false;
}
