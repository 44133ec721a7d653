// A29 server authorization: a peer certificate passes when one of its SubjectAltNames matches one of
// the validation context's SAN matchers (StringMatcher semantics); no matchers, any certificate that
// chains to the trusted roots passes. As in grpc-go, an `exact` matcher against a DNS SAN follows DNS
// wildcard rules (`*.example.com` covers `a.example.com`) and ignores case.

import { parseSubjectAltNames } from "../rbac/peer-identity.js";
import { matchString } from "../resources/common/string-matcher.js";
import type { SanMatcherConfig, SanType } from "../resources/tls/types.js";

export interface SubjectAltName {
  readonly type: Exclude<SanType, "any">;
  readonly value: string;
}

const nodeSanTypes: Readonly<Record<string, SubjectAltName["type"]>> = {
  DNS: "dns",
  URI: "uri",
  "IP Address": "ip_address",
  email: "email",
};

/** Node's `subjectAltName` text (`DNS:a, URI:b, IP Address:c`) -> the SANs A29 matches on. */
export function subjectAltNamesOf(text: string | undefined): SubjectAltName[] {
  const out: SubjectAltName[] = [];
  if (text === undefined || text === "") return out;
  for (const { type, value } of parseSubjectAltNames(text)) {
    const t = nodeSanTypes[type];
    if (t !== undefined) out.push({ type: t, value });
  }
  return out;
}

function trimDot(s: string): string {
  return s.endsWith(".") ? s.slice(0, -1) : s;
}

/** `exact` against a DNS SAN: case-insensitive, and a `*.` SAN covers exactly one leftmost label. */
function dnsExactMatch(wanted: string, san: string): boolean {
  const host = trimDot(wanted.toLowerCase());
  const name = trimDot(san.toLowerCase());
  if (!name.startsWith("*.")) return host === name;
  const dot = host.indexOf(".");
  return dot > 0 && host.slice(dot) === name.slice(1);
}

function sanMatches(m: SanMatcherConfig, san: SubjectAltName): boolean {
  if (m.sanType !== "any" && m.sanType !== san.type) return false;
  if (san.type === "dns" && m.matcher.kind === "exact") return dnsExactMatch(m.matcher.value, san.value);
  return matchString(m.matcher, san.value);
}

export function matchSubjectAltNames(
  sans: readonly SubjectAltName[],
  matchers: readonly SanMatcherConfig[],
): boolean {
  if (matchers.length === 0) return true;
  for (const m of matchers) for (const san of sans) if (sanMatches(m, san)) return true;
  return false;
}

function describeMatcher(m: SanMatcherConfig): string {
  const c = m.matcher;
  const what =
    c.kind === "safe_regex"
      ? `safe_regex ${JSON.stringify(c.regex)}`
      : `${c.kind} ${JSON.stringify(c.value)}`;
  return m.sanType === "any" ? what : `${m.sanType} ${what}`;
}

/** Why a certificate failed the matchers, for the error a caller sees. */
export function sanMismatchMessage(
  whose: string,
  sans: readonly SubjectAltName[],
  matchers: readonly SanMatcherConfig[],
): string {
  const have =
    sans.length === 0 ? "no SubjectAltName" : `SANs [${sans.map((s) => `${s.type}:${s.value}`).join(", ")}]`;
  return `${whose} has ${have}, none matching match_subject_alt_names [${matchers.map(describeMatcher).join(", ")}]`;
}
