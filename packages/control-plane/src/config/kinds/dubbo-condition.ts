// Dubbo's condition-rule grammar (ConditionStateRouter): `[when] => [then]`, each side a `&`-joined
// list of `key=v1,v2` or `key!=v`; values may use `*` as a wildcard and `$param` references. No `=>`
// means the whole text is the `then` side; an empty or `false` "to" side means "no provider" (deny).

export interface Condition {
  readonly key: string;
  readonly op: "=" | "!=";
  readonly values: readonly string[];
}

export interface ParsedCondition {
  readonly when: readonly Condition[];
  /** "deny": the matched requests get no provider. */
  readonly to: readonly Condition[] | "deny";
}

function side(text: string): Condition[] | string {
  const t = text.trim();
  if (t === "" || t === "true") return [];
  const out: Condition[] = [];
  for (const part of t.split("&")) {
    const m = /^\s*([^!=\s]+)\s*(!=|=)\s*(.*?)\s*$/.exec(part);
    if (m === null) return `cannot parse "${part.trim()}": expected key=value or key!=value`;
    const values = m[3]
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v !== "");
    if (values.length === 0) return `"${m[1]}${m[2]}" has no value`;
    out.push({ key: m[1], op: m[2] as "=" | "!=", values });
  }
  return out;
}

/** Returns the parsed rule or an error message. */
export function parseCondition(rule: string): ParsedCondition | string {
  const i = rule.indexOf("=>");
  const whenText = i < 0 ? "" : rule.slice(0, i);
  const thenText = i < 0 ? rule : rule.slice(i + 2);
  const when = side(whenText);
  if (typeof when === "string") return when;
  const t = thenText.trim();
  if (t === "" || t === "false") return { when, to: "deny" };
  const to = side(t);
  if (typeof to === "string") return to;
  return { when, to };
}

/** Dubbo's value match: `*` anywhere is a wildcard; `$x` (a consumer parameter) is resolved by the caller. */
export function matchValue(pattern: string, value: string): boolean {
  if (!pattern.includes("*")) return pattern === value;
  const re = new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`);
  return re.test(value);
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
