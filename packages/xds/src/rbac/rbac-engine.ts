// The RBAC engine (A41): one RBAC filter's rules compiled once, then asked per call. A policy matches
// when any of its permissions and any of its principals match; an ALLOW filter lets a call through
// only if some policy matches (so one with no policies denies everything), a DENY filter stops it
// if some policy matches. Several filters (istiod: `envoy.filters.http.rbac.DENY` then
// `envoy.filters.http.rbac`) run in order and the first denial wins.
import type { RbacConfig } from "../resources/http-filters/types.js";
import { compilePermission, compilePrincipal, type RequestPredicate } from "./rbac-matchers.js";
import type { RbacRequest } from "./rbac-request.js";

export type RbacDecision =
  | { readonly allowed: true; readonly policy?: string }
  /** `policy`: the DENY policy that matched; absent when an ALLOW filter found no match. */
  | { readonly allowed: false; readonly policy?: string };

interface CompiledPolicy {
  readonly name: string;
  readonly matches: RequestPredicate;
}

const ALLOWED: RbacDecision = Object.freeze({ allowed: true });

export class RbacEngine {
  private readonly policies: readonly CompiledPolicy[];

  private constructor(
    readonly action: "ALLOW" | "DENY",
    policies: readonly CompiledPolicy[],
  ) {
    this.policies = policies;
  }

  /** Undefined when the config enforces nothing (no rules, a LOG-only filter, a disabling override). */
  static compile(config: RbacConfig): RbacEngine | undefined {
    const rules = config.rules;
    if (rules === undefined) return undefined;
    const policies = rules.policies.map((p) => {
      // An empty list matches nothing (Envoy requires at least one entry in each).
      const permission = anyOf(p.permissions.map(compilePermission));
      const principal = anyOf(p.principals.map(compilePrincipal));
      return { name: p.name, matches: (r: RbacRequest) => permission(r) && principal(r) };
    });
    return new RbacEngine(rules.action, policies);
  }

  /** The first matching policy's name, or undefined. */
  matchingPolicy(request: RbacRequest): string | undefined {
    for (const p of this.policies) if (p.matches(request)) return p.name;
    return undefined;
  }

  evaluate(request: RbacRequest): RbacDecision {
    const policy = this.matchingPolicy(request);
    if (this.action === "ALLOW") return policy === undefined ? { allowed: false } : { allowed: true, policy };
    return policy === undefined ? ALLOWED : { allowed: false, policy };
  }
}

function anyOf(parts: readonly RequestPredicate[]): RequestPredicate {
  if (parts.length === 0) return () => false;
  if (parts.length === 1) return parts[0];
  return (r) => {
    for (const p of parts) if (p(r)) return true;
    return false;
  };
}

/** Runs filters in order; the first denial decides. No engines: allowed. */
export function evaluateRbacChain(engines: readonly RbacEngine[], request: RbacRequest): RbacDecision {
  for (const e of engines) {
    const d = e.evaluate(request);
    if (!d.allowed) return d;
  }
  return ALLOWED;
}
