// RE2 (the regex dialect of every xDS `safe_regex`) -> JavaScript RegExp, best effort.
//
// The two dialects agree on the common subset (literals, classes, alternation, repetition, groups).
// Differences handled here: `(?P<name>` groups, leading `(?i)`/`(?s)`/`(?m)` flags, `\A` and `\z`,
// `\Q...\E` quoting, `\pL`/`\p{Greek}`, `\x{...}`, RE2's ASCII-only `\s`, and POSIX `[[:alpha:]]`
// classes. RE2 has no lookaround and no backreferences, so a pattern using them was never valid RE2
// (and would behave differently in JavaScript, including catastrophic backtracking): it is rejected
// with a message saying so. Inline flags after the start are rejected too (Node 20's V8 has no
// `(?i:...)` modifiers). Envoy matches `safe_regex` against the whole string (RE2::FullMatch), which
// `fullMatchRegExp` reproduces with anchors.
import type { FieldErrors } from "../validation.js";

export type Re2Conversion =
  | { readonly ok: true; readonly source: string; readonly flags: string }
  | { readonly ok: false; readonly error: string };

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

// RE2's \s is [\t\n\f\r ]; JavaScript's also matches \v and Unicode spaces.
const RE2_SPACE = "\\t\\n\\f\\r ";
const SYNTAX_CHARS = new Set("^$\\.*+?()[]{}|/-");

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/** Converts an RE2 pattern to a JavaScript source and flags, or says why it cannot. */
export function convertRe2(pattern: string): Re2Conversion {
  const flags = new Set<string>();
  let i = 0;
  // Leading flag groups apply to the whole pattern, which JavaScript can express with flags.
  for (
    let m = /^\(\?([a-zA-Z]+)\)/.exec(pattern);
    m !== null;
    m = /^\(\?([a-zA-Z]+)\)/.exec(pattern.slice(i))
  ) {
    for (const f of m[1]) {
      if (f === "U") return { ok: false, error: "the ungreedy flag (?U) is not supported" };
      if (f !== "i" && f !== "m" && f !== "s") return { ok: false, error: `unknown flag (?${f})` };
      flags.add(f);
    }
    i += m[0].length;
  }
  const multiline = flags.has("m");
  let unicode = false;
  let out = "";
  let inClass = false;
  const fail = (error: string): Re2Conversion => ({ ok: false, error });

  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "\\") {
      const n = pattern[i + 1];
      if (n === undefined) return fail("trailing backslash");
      if (n >= "1" && n <= "9")
        return fail(`backreference \\${n} is not supported (RE2 has no backreferences)`);
      if (n === "C") return fail("\\C (any byte) is not supported");
      if (n === "Q") {
        const end = pattern.indexOf("\\E", i + 2);
        const literal = pattern.slice(i + 2, end === -1 ? undefined : end);
        out += escapeLiteral(literal);
        i = end === -1 ? pattern.length : end + 2;
        continue;
      }
      if (n === "p" || n === "P") {
        let name: string;
        let next: number;
        if (pattern[i + 2] === "{") {
          const close = pattern.indexOf("}", i + 3);
          if (close === -1) return fail("unterminated \\p{...}");
          name = pattern.slice(i + 3, close);
          next = close + 1;
        } else {
          name = pattern[i + 2] ?? "";
          next = i + 3;
        }
        let negated = n === "P";
        if (name.startsWith("^")) {
          negated = !negated;
          name = name.slice(1);
        }
        if (!/^[A-Za-z_]+$/.test(name)) return fail(`invalid Unicode class \\${n}{${name}}`);
        if (name === "Any") out += negated ? "[^\\s\\S]" : "[\\s\\S]";
        // One- and two-letter names are general categories (L, Nd); longer ones are scripts (Greek).
        else out += `\\${negated ? "P" : "p"}{${name.length <= 2 ? name : `Script=${name}`}}`;
        unicode = true;
        i = next;
        continue;
      }
      if (n === "x" && pattern[i + 2] === "{") {
        const close = pattern.indexOf("}", i + 3);
        const hex = close === -1 ? "" : pattern.slice(i + 3, close);
        if (!/^[0-9A-Fa-f]{1,6}$/.test(hex)) return fail("invalid \\x{...} escape");
        const code = Number.parseInt(hex, 16);
        if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
        else {
          out += `\\u{${hex}}`;
          unicode = true;
        }
        i = close + 1;
        continue;
      }
      if (!inClass && n === "A") out += multiline ? "(?<![\\s\\S])" : "^";
      else if (!inClass && n === "z") out += multiline ? "(?![\\s\\S])" : "$";
      else if (n === "s") out += inClass ? RE2_SPACE : `[${RE2_SPACE}]`;
      else if (!inClass && n === "S") out += `[^${RE2_SPACE}]`;
      else if (/[A-Za-z0-9]/.test(n)) out += `\\${n}`;
      // Punctuation escapes: keep the backslash only where JavaScript's unicode mode allows it.
      else out += SYNTAX_CHARS.has(n) ? `\\${n}` : unicode ? n : `\\${n}`;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "[" && pattern[i + 1] === ":") {
        const close = pattern.indexOf(":]", i + 2);
        if (close === -1) {
          out += "\\[";
          i += 1;
          continue;
        }
        const name = pattern.slice(i + 2, close);
        if (name.startsWith("^")) return fail(`negated POSIX class [:${name}:] is not supported`);
        const ranges = POSIX_CLASSES[name];
        if (ranges === undefined) return fail(`unknown POSIX class [:${name}:]`);
        out += ranges;
        i = close + 2;
        continue;
      }
      if (c === "]") inClass = false;
      out += c === "[" ? "\\[" : c;
      i += 1;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += "[";
      i += 1;
      if (pattern[i] === "^") {
        out += "^";
        i += 1;
      }
      // In RE2 (as in POSIX) a `]` right after `[` or `[^` is a literal.
      if (pattern[i] === "]") {
        out += "\\]";
        i += 1;
      }
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith(":")) {
        out += "(?:";
        i += 3;
      } else if (rest.startsWith("P<")) {
        out += "(?<";
        i += 4;
      } else if (rest.startsWith("<=") || rest.startsWith("<!")) {
        return fail("lookbehind (?<= / (?<! is not supported (RE2 has no lookaround)");
      } else if (rest.startsWith("<")) {
        out += "(?<";
        i += 3;
      } else if (rest.startsWith("=") || rest.startsWith("!")) {
        return fail("lookahead (?= / (?! is not supported (RE2 has no lookaround)");
      } else if (/^[a-zA-Z-]+[:)]/.test(rest)) {
        return fail("inline flags are only supported at the start of the pattern, e.g. (?i)abc");
      } else {
        return fail(`unsupported group syntax at offset ${i}`);
      }
      continue;
    }
    out += c;
    i += 1;
  }
  if (inClass) return fail("missing closing ]");
  const flagText = [...flags].sort().join("") + (unicode ? "u" : "");
  return { ok: true, source: out, flags: flagText };
}

function compile(source: string, flags: string, errors: FieldErrors, pattern: string): RegExp | undefined {
  try {
    return new RegExp(source, flags);
  } catch (e) {
    errors.add(`invalid regex ${JSON.stringify(pattern)}: ${(e as Error).message}`);
    return undefined;
  }
}

/** A RegExp that matches only when the whole input matches the RE2 pattern (Envoy's FullMatch). */
export function fullMatchRegExp(pattern: string, errors: FieldErrors): RegExp | undefined {
  const converted = convertRe2(pattern);
  if (!converted.ok) {
    errors.add(`regex ${JSON.stringify(pattern)}: ${converted.error}`);
    return undefined;
  }
  // With the m flag ^ and $ would match at line breaks, so anchor on the input's ends explicitly.
  const anchored = converted.flags.includes("m")
    ? `(?<![\\s\\S])(?:${converted.source})(?![\\s\\S])`
    : `^(?:${converted.source})$`;
  return compile(anchored, converted.flags, errors, pattern);
}

/** A global RegExp that finds every match of the RE2 pattern (for regex rewrites). */
export function searchRegExp(pattern: string, errors: FieldErrors): RegExp | undefined {
  const converted = convertRe2(pattern);
  if (!converted.ok) {
    errors.add(`regex ${JSON.stringify(pattern)}: ${converted.error}`);
    return undefined;
  }
  return compile(converted.source, `${converted.flags}g`, errors, pattern);
}

/** RE2 substitutions name groups `\1`; JavaScript replacements use `$1` and treat `$` specially. */
export function re2Substitution(substitution: string): string {
  return substitution.replace(/\$/g, "$$$$").replace(/\\(\d)/g, "$$$1");
}
