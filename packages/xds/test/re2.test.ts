import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { convertRe2 } from "../src/index.js";
import { fullMatchRegExp, re2Substitution, searchRegExp } from "../src/resources/common/re2.js";
import { FieldErrors } from "../src/resources/validation.js";

function full(pattern: string): RegExp {
  const errors = new FieldErrors("safe_regex");
  const re = fullMatchRegExp(pattern, errors);
  assert.deepEqual(errors.list, []);
  assert.ok(re);
  return re;
}

function rejected(pattern: string): string {
  const errors = new FieldErrors("safe_regex");
  assert.equal(fullMatchRegExp(pattern, errors), undefined);
  assert.equal(errors.list.length, 1);
  return errors.list[0];
}

describe("RE2 -> RegExp", () => {
  it("matches the whole string, like RE2::FullMatch", () => {
    const re = full("/echo\\.Echo/.*");
    assert.ok(re.test("/echo.Echo/Say"));
    assert.ok(!re.test("x/echo.Echo/Say"));
    // Alternation must still find a full match when the first branch is shorter.
    assert.ok(full("a|ab").test("ab"));
  });

  it("translates RE2-only syntax", () => {
    assert.ok(full("(?P<svc>[a-z]+)/(?P<m>\\w+)").test("abc/Def"));
    assert.ok(full("(?i)/Echo/.*").test("/ECHO/x"));
    assert.ok(full("(?s)a.b").test("a\nb"));
    assert.ok(full("\\Aab\\z").test("ab"));
    assert.ok(full("\\Qa.b\\E+").test("a.bbb"));
    assert.ok(!full("\\Qa.b\\E").test("axb"));
    assert.ok(full("[[:alpha:]][[:digit:]]+").test("a12"));
    assert.ok(full("\\pL+").test("héllo"));
    assert.ok(full("\\p{Greek}+").test("αβγ"));
    assert.ok(full("\\x{41}B").test("AB"));
  });

  it("keeps RE2's ASCII-only \\s", () => {
    assert.ok(full("a\\sb").test("a b"));
    assert.ok(!full("a\\sb").test("a\u00a0b"));
    assert.ok(!full("a\\sb").test("a\vb"));
  });

  it("anchors correctly with (?m)", () => {
    const re = full("(?m)^a$");
    assert.ok(re.test("a"));
    assert.ok(!re.test("a\nb"));
  });

  it("rejects lookaround and backreferences with a clear reason", () => {
    assert.match(
      rejected("(?=a)a"),
      /^safe_regex: regex "\(\?=a\)a": lookahead .*\(RE2 has no lookaround\)$/,
    );
    assert.match(rejected("(?<!a)b"), /lookbehind/);
    assert.match(rejected("(a)\\1"), /backreference \\1 is not supported/);
    assert.match(rejected("a(?i)b"), /inline flags are only supported at the start/);
    assert.match(rejected("(?U)a+"), /ungreedy/);
    assert.match(rejected("[a"), /missing closing \]/);
    assert.match(rejected("a{2,1}"), /invalid regex/);
  });

  it("exposes the conversion", () => {
    assert.deepEqual(convertRe2("(?i)(?P<x>a)"), { ok: true, source: "(?<x>a)", flags: "i" });
    assert.deepEqual(convertRe2("(?!x)"), {
      ok: false,
      error: "lookahead (?= / (?! is not supported (RE2 has no lookaround)",
    });
  });

  it("rewrites with RE2 substitutions", () => {
    const errors = new FieldErrors();
    const re = searchRegExp("^/(\\w+)/.*$", errors);
    assert.ok(re);
    assert.equal("/svc/m".replace(re, re2Substitution("\\1-$")), "svc-$");
  });
});
