import { RuleError } from "../../config/rule-error.js";
import { compileValuePattern, type ValuePattern } from "./value-pattern.js";

/** Where a condition key takes its value from. */
export type ConditionKey =
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "method" }
  | { readonly kind: "argument"; readonly index: number; readonly path: readonly string[] }
  | { readonly kind: "attachment"; readonly name: string };

/** One `key = v1,v2` / `key != v3` term, Dubbo's ConditionMatcher. */
export interface ConditionMatcher {
  readonly text: string;
  readonly key: ConditionKey;
  readonly matches: readonly ValuePattern[];
  readonly mismatches: readonly ValuePattern[];
}

const TOKEN = /([&!=,]*)\s*([^&!=,\s]+)/g;
const ARGUMENT = /^arguments\[(\d+)\]((?:\.[A-Za-z_$][\w$]*)*)$/;
const ATTACHMENT = /^attachments\[([^\]]+)\]$/;

/**
 * Parses one side of a condition (`method = find* & arguments[0] = 1~100 & host != 10.0.0.1,10.0.0.2`)
 * with Dubbo's grammar: `&` joins terms, `=` and `!=` start value lists, `,` continues one. A key
 * repeated with `&` adds to the same term. `side` tells which keys make sense: arguments and attachments
 * describe the call, so they only belong on the left of `=>`.
 */
export function parseConditionExpression(text: string, side: "when" | "then"): ConditionMatcher[] {
  const terms = new Map<string, { key: ConditionKey; matches: string[]; mismatches: string[] }>();
  let current: { matches: string[]; mismatches: string[] } | undefined;
  let values: string[] | undefined;
  for (const m of text.matchAll(TOKEN)) {
    const separator = m[1];
    const content = m[2];
    const where = `"${text}" at "${separator}${content}"`;
    if (separator === "" || separator === "&") {
      if (separator === "" && current !== undefined) {
        throw new RuleError(`condition ${where}: expected "&", "=", "!=" or "," before "${content}"`);
      }
      let term = terms.get(content);
      if (term === undefined) {
        term = { key: parseKey(content, side, text), matches: [], mismatches: [] };
        terms.set(content, term);
      }
      current = term;
      values = undefined;
    } else if (separator === "=" || separator === "!=") {
      if (current === undefined)
        throw new RuleError(`condition ${where}: "${separator}" without a key before it`);
      values = separator === "=" ? current.matches : current.mismatches;
      values.push(content);
    } else if (separator === ",") {
      if (values === undefined || values.length === 0) {
        throw new RuleError(`condition ${where}: "," must follow a value`);
      }
      values.push(content);
    } else {
      throw new RuleError(`condition ${where}: unexpected "${separator}"`);
    }
  }
  const out: ConditionMatcher[] = [];
  for (const [name, term] of terms) {
    if (term.matches.length === 0 && term.mismatches.length === 0) {
      throw new RuleError(
        `condition "${text}": "${name}" has no value (write ${name}=value or ${name}!=value)`,
      );
    }
    const where = `condition "${text}"`;
    out.push({
      text: name,
      key: term.key,
      matches: term.matches.map((p) => compileValuePattern(p, where)),
      mismatches: term.mismatches.map((p) => compileValuePattern(p, where)),
    });
  }
  return out;
}

function parseKey(content: string, side: "when" | "then", text: string): ConditionKey {
  if (content === "method" || content === "methods") return { kind: "method" };
  if (content.startsWith("arguments")) {
    const m = ARGUMENT.exec(content);
    if (m === null)
      throw new RuleError(`condition "${text}": invalid key "${content}", expected arguments[<index>]`);
    if (side === "then")
      throw new RuleError(`condition "${text}": ${content} describes the call; use it left of "=>"`);
    return { kind: "argument", index: Number(m[1]), path: m[2] === "" ? [] : m[2].slice(1).split(".") };
  }
  if (content.startsWith("attachments")) {
    const m = ATTACHMENT.exec(content);
    if (m === null)
      throw new RuleError(`condition "${text}": invalid key "${content}", expected attachments[<name>]`);
    if (side === "then")
      throw new RuleError(`condition "${text}": ${content} describes the call; use it left of "=>"`);
    return { kind: "attachment", name: m[1].toLowerCase() };
  }
  return { kind: "param", name: content };
}
