// A request to push: why, what changed, and since when. Requests arriving within one debounce
// window merge (istiod's PushRequest.Merge): full wins over endpoint-only, hosts union, and the
// earliest event time is kept so convergence is measured from the first change.
import { mergeScope, mergeTypes, type PushScope, type TypeScope } from "./push-scope.js";

export interface PushRequest {
  /** Listeners, routes and clusters may have changed; otherwise only the EDS of `hosts`. */
  readonly full: boolean;
  /** Hosts whose endpoints changed (endpoint-only pushes). */
  readonly hosts: ReadonlySet<string>;
  /** Hosts whose resources may have changed at all; the rest are reused as they are. */
  readonly scope: PushScope;
  /** Resource types that may have changed (EDS alone for endpoint-only pushes). */
  readonly types: TypeScope;
  readonly reasons: readonly string[];
  /** performance.now() of the first event merged into this request. */
  readonly since: number;
}

export function mergePush(a: PushRequest, b: PushRequest): PushRequest {
  const reasons = [...a.reasons];
  for (const r of b.reasons) if (!reasons.includes(r) && reasons.length < 20) reasons.push(r);
  return {
    full: a.full || b.full,
    hosts: a.hosts.size === 0 ? b.hosts : b.hosts.size === 0 ? a.hosts : new Set([...a.hosts, ...b.hosts]),
    scope: mergeScope(a.scope, b.scope),
    types: mergeTypes(a.types, b.types),
    reasons,
    since: Math.min(a.since, b.since),
  };
}
