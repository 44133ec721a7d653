// RouteMatch -> RouteMatchConfig (A28), and matching a call against it.
import type { RouteMatch } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { type Fraction, fractionFrom, fractionHits } from "../common/fraction.js";
import { type HeaderMatcherConfig, headerMatcherFrom, matchHeader } from "../common/header-matcher.js";
import { fullMatchRegExp } from "../common/re2.js";
import { matchString, stringMatcherFrom } from "../common/string-matcher.js";
import type { FieldErrors } from "../validation.js";
import type { PathMatch, QueryParameterMatch, RouteMatchConfig } from "./types.js";

/**
 * Undefined means "skip this route" when errors did not grow, "invalid" when they did. Fields A28
 * does not cover (grpc, tls_context, dynamic_metadata) are ignored.
 */
export function routeMatchFrom(match: RouteMatch, errors: FieldErrors): RouteMatchConfig | undefined {
  const before = errors.count;
  let path: PathMatch | undefined;
  const spec = match.pathSpecifier;
  switch (spec.case) {
    case "prefix":
      path = { kind: "prefix", prefix: spec.value };
      break;
    case "path":
      path = { kind: "path", path: spec.value };
      break;
    case "safeRegex": {
      const pattern = fullMatchRegExp(spec.value.regex, errors.at("safe_regex"));
      if (pattern !== undefined) path = { kind: "safe_regex", regex: spec.value.regex, pattern };
      break;
    }
    case undefined:
      errors.add("path_specifier is not set (prefix, path or safe_regex)");
      break;
    default:
      errors.add(`path_specifier ${spec.case} is not supported (use prefix, path or safe_regex)`);
  }
  const headers: HeaderMatcherConfig[] = [];
  match.headers.forEach((h, i) => {
    const m = headerMatcherFrom(h, errors.at("headers").at(i));
    if (m !== undefined) headers.push(m);
  });
  const queryParameters: QueryParameterMatch[] = [];
  match.queryParameters.forEach((q, i) => {
    const at = errors.at("query_parameters").at(i);
    const s = q.queryParameterMatchSpecifier;
    if (s.case === "stringMatch") {
      const m = stringMatcherFrom(s.value, at.at("string_match"));
      if (m !== undefined) queryParameters.push({ name: q.name, kind: "string", matcher: m });
    } else if (s.case === "presentMatch" && s.value) {
      queryParameters.push({ name: q.name, kind: "present" });
    } else {
      at.add("string_match or present_match: true is required");
    }
  });
  let runtimeFraction: Fraction | undefined;
  if (match.runtimeFraction?.defaultValue !== undefined) {
    runtimeFraction = fractionFrom(
      match.runtimeFraction.defaultValue,
      errors.at("runtime_fraction").at("default_value"),
    );
  }
  if (errors.count !== before || path === undefined) return undefined;
  return {
    path,
    caseSensitive: match.caseSensitive ?? true,
    headers,
    queryParameters,
    ...(runtimeFraction === undefined ? {} : { runtimeFraction }),
  };
}

/** What a route is matched against. */
export interface CallAttributes {
  /** `/pkg.Service/Method` */
  readonly path: string;
  /** Header lookup by lower-case name; see matchHeader for how gRPC metadata is presented. */
  readonly header: (name: string) => string | undefined;
  /** Parsed query string, when the call came with one (Triple over HTTP/1.1). */
  readonly query?: URLSearchParams;
  readonly random?: () => number;
}

function matchPath(match: RouteMatchConfig, path: string): boolean {
  const p = match.path;
  if (p.kind === "safe_regex") return p.pattern.test(path);
  const subject = match.caseSensitive ? path : path.toLowerCase();
  if (p.kind === "prefix") return subject.startsWith(match.caseSensitive ? p.prefix : p.prefix.toLowerCase());
  return subject === (match.caseSensitive ? p.path : p.path.toLowerCase());
}

/** True when the call matches: path, every header, every query parameter, then the runtime fraction. */
export function matchRoute(match: RouteMatchConfig, call: CallAttributes): boolean {
  if (!matchPath(match, call.path)) return false;
  for (const h of match.headers) if (!matchHeader(h, call.header(h.name))) return false;
  for (const q of match.queryParameters) {
    const value = call.query?.get(q.name) ?? undefined;
    if (value === undefined || (q.kind === "string" && !matchString(q.matcher, value))) return false;
  }
  return match.runtimeFraction === undefined || fractionHits(match.runtimeFraction, call.random);
}
