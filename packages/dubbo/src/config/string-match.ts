import { RuleError } from "./rule-error.js";
import { asMap, type YamlMap } from "./yaml-document.js";

/**
 * Dubbo's StringMatch (tag rule `match`, configurator `match`): exact, prefix, regex, wildcard,
 * empty or noempty. Compiled once into a predicate.
 */
export type StringMatcher = (value: string | undefined) => boolean;

export function compileStringMatch(raw: unknown, where: string): StringMatcher {
  if (typeof raw === "string") return (v) => v === raw; // shorthand some Admin versions write
  const m: YamlMap = asMap(raw, where);
  const kinds = Object.keys(m).filter((k) => m[k] !== undefined && m[k] !== null);
  if (kinds.length !== 1) {
    throw new RuleError(`${where} must have exactly one of exact, prefix, regex, wildcard, empty, noempty`);
  }
  const kind = kinds[0];
  const arg = String(m[kind]);
  switch (kind) {
    case "exact":
      return (v) => v === arg;
    case "prefix":
      return (v) => v?.startsWith(arg) === true;
    case "regex": {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${arg})$`);
      } catch (e) {
        throw new RuleError(`${where}.regex is not a valid regular expression: ${(e as Error).message}`);
      }
      return (v) => v !== undefined && re.test(v);
    }
    case "wildcard":
      return (v) => v !== undefined && globMatch(arg, v);
    case "empty":
      return (v) => v === undefined || v === "";
    case "noempty":
      return (v) => v !== undefined && v !== "";
    default:
      throw new RuleError(
        `${where}: unknown match kind "${kind}" (exact, prefix, regex, wildcard, empty, noempty)`,
      );
  }
}

/**
 * Dubbo's `UrlUtils.isMatchGlobPattern` without the `$param` form: `*` matches anything, otherwise
 * one `*` may stand at the start, the end or in the middle.
 */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === "*") return true;
  if (pattern === "" && value === "") return true;
  if (pattern === "" || value === "") return false;
  const last = pattern.lastIndexOf("*");
  if (last === -1) return value === pattern;
  if (last === pattern.length - 1) return value.startsWith(pattern.slice(0, last));
  if (last === 0) return value.endsWith(pattern.slice(1));
  const first = pattern.indexOf("*");
  return value.startsWith(pattern.slice(0, first)) && value.endsWith(pattern.slice(last + 1));
}
