// Picking the virtual host for a call's authority (A28 "most specific match", Envoy's order):
// 1. exact domain, 2. suffix wildcard `*.foo.com` (longest first), 3. prefix wildcard `foo.*`
// (longest first), 4. `*`. Matching is case-insensitive. A wildcard stands for at least one character.
import type { FieldErrors } from "../validation.js";

const Rank = { None: -1, Universal: 0, Prefix: 1, Suffix: 2, Exact: 3 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];

/** Validates a domain pattern: at most one `*`, and only at the start or the end. */
export function checkDomainPattern(pattern: string, errors: FieldErrors): boolean {
  if (pattern === "") {
    errors.add("an empty domain never matches");
    return false;
  }
  const first = pattern.indexOf("*");
  if (first !== pattern.lastIndexOf("*")) {
    errors.add(`${JSON.stringify(pattern)} has more than one wildcard`);
    return false;
  }
  if (first > 0 && first < pattern.length - 1) {
    errors.add(`${JSON.stringify(pattern)} has a wildcard in the middle`);
    return false;
  }
  return true;
}

function rank(pattern: string, host: string): Rank {
  if (pattern === "*") return Rank.Universal;
  if (pattern.startsWith("*")) {
    const suffix = pattern.slice(1);
    return host.length > suffix.length && host.endsWith(suffix) ? Rank.Suffix : Rank.None;
  }
  if (pattern.endsWith("*")) {
    const prefix = pattern.slice(0, -1);
    return host.length > prefix.length && host.startsWith(prefix) ? Rank.Prefix : Rank.None;
  }
  return pattern === host ? Rank.Exact : Rank.None;
}

/**
 * The virtual host whose domains best match `authority` (the target's `host[:port]`, as the listener
 * was named), or undefined. Ties go to the first virtual host listed.
 */
export function findVirtualHost<V extends { readonly domains: readonly string[] }>(
  virtualHosts: readonly V[],
  authority: string,
): V | undefined {
  const host = authority.toLowerCase();
  let best: V | undefined;
  let bestRank: Rank = Rank.None;
  let bestLength = -1;
  for (const vh of virtualHosts) {
    for (const domain of vh.domains) {
      const pattern = domain.toLowerCase();
      const r = rank(pattern, host);
      if (r === Rank.None) continue;
      if (r > bestRank || (r === bestRank && pattern.length > bestLength)) {
        best = vh;
        bestRank = r;
        bestLength = pattern.length;
      }
    }
  }
  return best;
}
