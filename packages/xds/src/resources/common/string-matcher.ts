// envoy.type.matcher.v3.StringMatcher -> a plain matcher plus the function that applies it. Used by
// header matching (A63), RBAC principal names and url paths (A41), and upstream SAN checks (A29).
import type { StringMatcher as EnvoyStringMatcher } from "../../gen/envoy/type/matcher/v3/string_pb.js";
import type { StringMatcher as XdsStringMatcher } from "../../gen/xds/type/matcher/v3/string_pb.js";
import type { FieldErrors } from "../validation.js";
import { fullMatchRegExp } from "./re2.js";

export type StringMatcherConfig =
  | {
      readonly kind: "exact" | "prefix" | "suffix" | "contains";
      readonly value: string;
      readonly ignoreCase: boolean;
    }
  // `ignore_case` has no effect on safe_regex in Envoy; use (?i) in the pattern instead.
  | { readonly kind: "safe_regex"; readonly regex: string; readonly pattern: RegExp };

export function stringMatcherFrom(
  matcher: EnvoyStringMatcher | XdsStringMatcher,
  errors: FieldErrors,
): StringMatcherConfig | undefined {
  const p = matcher.matchPattern;
  switch (p.case) {
    case "exact":
    case "prefix":
    case "suffix":
    case "contains":
      if (p.case !== "exact" && p.value === "") {
        // Envoy's proto validation requires a non-empty prefix/suffix/contains.
        errors.at(p.case).add("must not be empty");
        return undefined;
      }
      return { kind: p.case, value: p.value, ignoreCase: matcher.ignoreCase };
    case "safeRegex": {
      const pattern = fullMatchRegExp(p.value.regex, errors.at("safe_regex"));
      return pattern === undefined ? undefined : { kind: "safe_regex", regex: p.value.regex, pattern };
    }
    case "custom":
      errors.at("custom").add("custom string matchers are not supported");
      return undefined;
    default:
      errors.add("match_pattern is not set");
      return undefined;
  }
}

export function matchString(matcher: StringMatcherConfig, input: string): boolean {
  if (matcher.kind === "safe_regex") return matcher.pattern.test(input);
  const value = matcher.ignoreCase ? matcher.value.toLowerCase() : matcher.value;
  const subject = matcher.ignoreCase ? input.toLowerCase() : input;
  switch (matcher.kind) {
    case "exact":
      return subject === value;
    case "prefix":
      return subject.startsWith(value);
    case "suffix":
      return subject.endsWith(value);
    case "contains":
      return subject.includes(value);
  }
}
