// VirtualService HTTPMatchRequest -> Envoy RouteMatch. gRPC matches the path `/<service>/<method>`,
// headers (metadata, plus the `:method` and `:authority` pseudo-headers) and nothing else; query
// parameters are emitted for Envoy's sake and ignored by gRPC.
import type { StringMatch } from "../config/kinds/string-match.js";
import type { HttpMatchRequest } from "../config/kinds/virtual-service.js";
import type { HeaderMatcherInit, RouteMatchInit, StringMatcherInit } from "./init-types.js";

export function stringMatcher(m: StringMatch, ignoreCase = false): StringMatcherInit {
  if ("exact" in m) return { matchPattern: { case: "exact", value: m.exact }, ignoreCase };
  if ("prefix" in m) return { matchPattern: { case: "prefix", value: m.prefix }, ignoreCase };
  return { matchPattern: { case: "safeRegex", value: { regex: m.regex } } };
}

/** `{}` in Istio means "present"; the checker turned it into regex `.*`. */
function isPresent(m: StringMatch): boolean {
  return "regex" in m && m.regex === ".*";
}

export function headerMatcher(name: string, m: StringMatch, invert = false): HeaderMatcherInit {
  if (isPresent(m))
    return { name, headerMatchSpecifier: { case: "presentMatch", value: true }, invertMatch: invert };
  return {
    name,
    headerMatchSpecifier: { case: "stringMatch", value: stringMatcher(m) },
    invertMatch: invert,
  };
}

export function routeMatch(m: HttpMatchRequest | undefined): RouteMatchInit {
  const out: RouteMatchInit = {};
  const uri = m?.uri;
  if (uri === undefined) out.pathSpecifier = { case: "prefix", value: "/" };
  else if ("exact" in uri) out.pathSpecifier = { case: "path", value: uri.exact };
  else if ("prefix" in uri) out.pathSpecifier = { case: "prefix", value: uri.prefix };
  else out.pathSpecifier = { case: "safeRegex", value: { regex: uri.regex } };
  if (m?.ignoreUriCase === true) out.caseSensitive = false;
  const headers: HeaderMatcherInit[] = [];
  for (const [name, hm] of Object.entries(m?.headers ?? {}))
    headers.push(headerMatcher(name.toLowerCase(), hm));
  for (const [name, hm] of Object.entries(m?.withoutHeaders ?? {}))
    headers.push(headerMatcher(name.toLowerCase(), hm, true));
  if (m?.method !== undefined) headers.push(headerMatcher(":method", m.method));
  if (m?.authority !== undefined) headers.push(headerMatcher(":authority", m.authority));
  if (headers.length > 0) out.headers = headers;
  const qp = Object.entries(m?.queryParams ?? {});
  if (qp.length > 0) {
    out.queryParameters = qp.map(([name, q]) =>
      isPresent(q)
        ? { name, queryParameterMatchSpecifier: { case: "presentMatch" as const, value: true } }
        : { name, queryParameterMatchSpecifier: { case: "stringMatch" as const, value: stringMatcher(q) } },
    );
  }
  return out;
}
