import { RuleError } from "../../config/rule-error.js";
import { globMatch } from "../../config/string-match.js";

/** Looks up a consumer parameter, for `$param` values (`region = $region`). */
export type ConsumerParam = (key: string) => string | undefined;

/** One value on the right of `=` / `!=`, compiled. */
export type ValuePattern = (value: string, consumer: ConsumerParam) => boolean;

/**
 * Compiles a condition value as Dubbo's value patterns read it: a range `1~100`, `~100`, `101~`
 * (integers, inclusive), a consumer parameter reference `$region`, or a glob (`*`, `10.0.*`, `*:20880`).
 */
export function compileValuePattern(pattern: string, where: string): ValuePattern {
  if (pattern.includes("~")) return compileRange(pattern, where);
  if (pattern.startsWith("$")) {
    const key = pattern.slice(1);
    if (key === "") throw new RuleError(`${where}: "$" must name a consumer parameter, as in $region`);
    return (value, consumer) => value === consumer(key);
  }
  return (value) => globMatch(pattern, value);
}

function compileRange(pattern: string, where: string): ValuePattern {
  const parts = pattern.split("~");
  if (parts.length !== 2) throw new RuleError(`${where}: invalid range "${pattern}", expected a~b, ~b or a~`);
  const [rawStart, rawEnd] = parts;
  if (rawStart === "" && rawEnd === "") throw new RuleError(`${where}: the range "~" has no bounds`);
  const start = rawStart === "" ? Number.NEGATIVE_INFINITY : integer(rawStart, pattern, where);
  const end = rawEnd === "" ? Number.POSITIVE_INFINITY : integer(rawEnd, pattern, where);
  return (value) => {
    if (!/^[+-]?\d+$/.test(value.trim())) return false;
    const n = Number(value);
    return n >= start && n <= end;
  };
}

function integer(raw: string, pattern: string, where: string): number {
  if (!/^[+-]?\d+$/.test(raw.trim())) {
    throw new RuleError(`${where}: invalid range "${pattern}": "${raw}" is not an integer`);
  }
  return Number(raw);
}
