// envoy.config.route.v3.HeaderMatcher -> a plain matcher (A28 + A63), shared by route matching, the
// fault filter's `headers` (A33) and RBAC (A41). The deprecated direct fields (exact_match, prefix_match,
// ...) are folded into the same `string` form as string_match, so callers see one shape.
import type { HeaderMatcher } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import type { FieldErrors } from "../validation.js";
import { fullMatchRegExp } from "./re2.js";
import { matchString, type StringMatcherConfig, stringMatcherFrom } from "./string-matcher.js";

export type HeaderMatchRule =
  | { readonly kind: "string"; readonly matcher: StringMatcherConfig }
  /** Integer header value in [start, end). */
  | { readonly kind: "range"; readonly start: number; readonly end: number }
  /** `present: false` matches when the header is absent. */
  | { readonly kind: "present"; readonly present: boolean };

export interface HeaderMatcherConfig {
  /** Lower-cased: HTTP/2 header names are lower case. */
  readonly name: string;
  readonly rule: HeaderMatchRule;
  readonly invert: boolean;
  readonly treatMissingAsEmpty: boolean;
}

export function headerMatcherFrom(
  matcher: HeaderMatcher,
  errors: FieldErrors,
): HeaderMatcherConfig | undefined {
  if (matcher.name === "") {
    errors.at("name").add("must not be empty");
    return undefined;
  }
  const s = matcher.headerMatchSpecifier;
  let rule: HeaderMatchRule | undefined;
  const plain = (kind: "exact" | "prefix" | "suffix" | "contains", value: string): HeaderMatchRule => ({
    kind: "string",
    matcher: { kind, value, ignoreCase: false },
  });
  switch (s.case) {
    case "exactMatch":
      rule = plain("exact", s.value);
      break;
    case "prefixMatch":
      rule = plain("prefix", s.value);
      break;
    case "suffixMatch":
      rule = plain("suffix", s.value);
      break;
    case "containsMatch":
      rule = plain("contains", s.value);
      break;
    case "safeRegexMatch": {
      const pattern = fullMatchRegExp(s.value.regex, errors.at("safe_regex_match"));
      if (pattern !== undefined) {
        rule = { kind: "string", matcher: { kind: "safe_regex", regex: s.value.regex, pattern } };
      }
      break;
    }
    case "rangeMatch":
      if (s.value.end <= s.value.start) errors.at("range_match").add("end must be greater than start");
      else rule = { kind: "range", start: Number(s.value.start), end: Number(s.value.end) };
      break;
    case "presentMatch":
      rule = { kind: "present", present: s.value };
      break;
    case "stringMatch": {
      const m = stringMatcherFrom(s.value, errors.at("string_match"));
      if (m !== undefined) rule = { kind: "string", matcher: m };
      break;
    }
    default:
      // Envoy treats a matcher with no specifier as "header is present".
      rule = { kind: "present", present: true };
  }
  if (rule === undefined) return undefined;
  return {
    name: matcher.name.toLowerCase(),
    rule,
    invert: matcher.invertMatch,
    treatMissingAsEmpty: matcher.treatMissingHeaderAsEmpty,
  };
}

/**
 * Applies a matcher to one header value (undefined = absent). Per A28 the caller presents gRPC
 * metadata as HTTP does: multiple values joined with ",", `-bin` headers absent, and `content-type`
 * as "application/grpc".
 */
export function matchHeader(matcher: HeaderMatcherConfig, value: string | undefined): boolean {
  const rule = matcher.rule;
  if (rule.kind === "present") {
    return ((value !== undefined) === rule.present) !== matcher.invert;
  }
  const subject = value ?? (matcher.treatMissingAsEmpty ? "" : undefined);
  // An absent header fails every value matcher, inverted or not (Envoy's behaviour).
  if (subject === undefined) return false;
  let result: boolean;
  if (rule.kind === "range") {
    result = /^-?\d+$/.test(subject) && Number(subject) >= rule.start && Number(subject) < rule.end;
  } else {
    result = matchString(rule.matcher, subject);
  }
  return result !== matcher.invert;
}
