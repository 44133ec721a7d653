// AuthorizationPolicy -> the RBAC HTTP filter config of an inbound listener (A41), following Istio's
// semantics: within a rule, `from`, `to` and `when` must all hold; each of them is a list of
// alternatives; within one source/operation, all given fields must hold. An ALLOW policy without
// rules allows nothing; a DENY policy without rules denies nothing. Principals are SPIFFE ids
// (`spiffe://<trust domain>/ns/<ns>/sa/<sa>`), which a plaintext connection never has.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  AuthorizationPolicySpec,
  AuthzCondition,
  AuthzOperation,
  AuthzRule,
  AuthzSource,
} from "../config/kinds/security.js";
import type { ConfigResource } from "../config/resource.js";
import { RBAC_Action, type RBACSchema } from "../envoy/gen.js";
import type { StringMatcherInit } from "./init-types.js";

type RbacInit = Exclude<MessageInitShape<typeof RBACSchema>, { readonly $typeName: string }>;
type PolicyInit = NonNullable<NonNullable<RbacInit["rules"]>["policies"]>[string];
type PermissionInit = NonNullable<Exclude<PolicyInit, { $typeName: string }>["permissions"]>[number];
type PrincipalInit = NonNullable<Exclude<PolicyInit, { $typeName: string }>["principals"]>[number];

/** Istio's string forms: `*` any, `*suffix`, `prefix*`, else exact. */
function glob(value: string): StringMatcherInit {
  if (value === "*") return { matchPattern: { case: "safeRegex", value: { regex: ".+" } } };
  if (value.startsWith("*")) return { matchPattern: { case: "suffix", value: value.slice(1) } };
  if (value.endsWith("*")) return { matchPattern: { case: "prefix", value: value.slice(0, -1) } };
  return { matchPattern: { case: "exact", value } };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function cidr(value: string): { addressPrefix: string; prefixLen: number } {
  const [addr, len] = value.split("/");
  return {
    addressPrefix: addr,
    prefixLen: len === undefined ? (addr.includes(":") ? 128 : 32) : Number(len),
  };
}

const anyPermission = (): PermissionInit => ({ rule: { case: "any", value: true } });
const anyPrincipal = (): PrincipalInit => ({ identifier: { case: "any", value: true } });
const orRules = (rules: PermissionInit[]): PermissionInit =>
  rules.length === 1 ? rules[0] : { rule: { case: "orRules", value: { rules } } };
const andRules = (rules: PermissionInit[]): PermissionInit =>
  rules.length === 0
    ? anyPermission()
    : rules.length === 1
      ? rules[0]
      : { rule: { case: "andRules", value: { rules } } };
const notRule = (rule: PermissionInit): PermissionInit => ({ rule: { case: "notRule", value: rule } });
const orIds = (ids: PrincipalInit[]): PrincipalInit =>
  ids.length === 1 ? ids[0] : { identifier: { case: "orIds", value: { ids } } };
const andIds = (ids: PrincipalInit[]): PrincipalInit =>
  ids.length === 0
    ? anyPrincipal()
    : ids.length === 1
      ? ids[0]
      : { identifier: { case: "andIds", value: { ids } } };
const notId = (id: PrincipalInit): PrincipalInit => ({ identifier: { case: "notId", value: id } });

function headerRule(name: string, value: string): PermissionInit {
  return {
    rule: {
      case: "header",
      value: { name, headerMatchSpecifier: { case: "stringMatch", value: glob(value) } },
    },
  };
}

function principal(p: string): PrincipalInit {
  const id = p === "*" ? "*" : `spiffe://${p.startsWith("spiffe://") ? p.slice(9) : p}`;
  return { identifier: { case: "authenticated", value: { principalName: glob(id) } } };
}

function namespacePrincipal(ns: string): PrincipalInit {
  const re = ns === "*" ? ".*/ns/.+/.*" : `.*/ns/${escapeRegex(ns)}/.*`;
  return {
    identifier: {
      case: "authenticated",
      value: { principalName: { matchPattern: { case: "safeRegex", value: { regex: re } } } },
    },
  };
}

function ipPrincipal(v: string): PrincipalInit {
  return { identifier: { case: "directRemoteIp", value: cidr(v) } };
}

function operation(op: AuthzOperation): PermissionInit {
  const all: PermissionInit[] = [];
  const field = (
    values: readonly string[] | undefined,
    negate: boolean,
    f: (v: string) => PermissionInit,
  ) => {
    if (values === undefined) return;
    const r = orRules(values.map(f));
    all.push(negate ? notRule(r) : r);
  };
  const path = (v: string): PermissionInit => ({
    rule: { case: "urlPath", value: { rule: { case: "path", value: glob(v) } } },
  });
  const port = (v: string): PermissionInit => ({ rule: { case: "destinationPort", value: Number(v) } });
  field(op.paths, false, path);
  field(op.notPaths, true, path);
  field(op.methods, false, (v) => headerRule(":method", v));
  field(op.notMethods, true, (v) => headerRule(":method", v));
  field(op.hosts, false, (v) => headerRule(":authority", v));
  field(op.notHosts, true, (v) => headerRule(":authority", v));
  field(op.ports, false, port);
  field(op.notPorts, true, port);
  return andRules(all);
}

function source(s: AuthzSource): PrincipalInit {
  const all: PrincipalInit[] = [];
  const field = (values: readonly string[] | undefined, negate: boolean, f: (v: string) => PrincipalInit) => {
    if (values === undefined) return;
    const r = orIds(values.map(f));
    all.push(negate ? notId(r) : r);
  };
  field(s.principals, false, (v) => principal(v));
  field(s.notPrincipals, true, (v) => principal(v));
  field(s.namespaces, false, namespacePrincipal);
  field(s.notNamespaces, true, namespacePrincipal);
  field(s.ipBlocks, false, ipPrincipal);
  field(s.notIpBlocks, true, ipPrincipal);
  return andIds(all);
}

/** A `when` condition is about the caller (a principal) or about the request (a permission). */
function condition(c: AuthzCondition): { permission?: PermissionInit; principal?: PrincipalInit } {
  const header = /^request\.headers\[(.+)\]$/.exec(c.key);
  const perm = (f: (v: string) => PermissionInit) => {
    const parts: PermissionInit[] = [];
    if (c.values !== undefined) parts.push(orRules(c.values.map(f)));
    if (c.notValues !== undefined) parts.push(notRule(orRules(c.notValues.map(f))));
    return { permission: andRules(parts) };
  };
  const prin = (f: (v: string) => PrincipalInit) => {
    const parts: PrincipalInit[] = [];
    if (c.values !== undefined) parts.push(orIds(c.values.map(f)));
    if (c.notValues !== undefined) parts.push(notId(orIds(c.notValues.map(f))));
    return { principal: andIds(parts) };
  };
  if (header !== null) return perm((v) => headerRule(header[1].toLowerCase(), v));
  switch (c.key) {
    case "destination.port":
      return perm((v) => ({ rule: { case: "destinationPort", value: Number(v) } }));
    case "source.ip":
      return prin(ipPrincipal);
    case "source.namespace":
      return prin(namespacePrincipal);
    case "source.principal":
      return prin((v) => principal(v));
    default:
      return {};
  }
}

function rulePolicy(rule: AuthzRule): PolicyInit {
  const permissions: PermissionInit[] = [];
  const principals: PrincipalInit[] = [];
  if (rule.to.length > 0) permissions.push(orRules(rule.to.map(operation)));
  if (rule.from.length > 0) principals.push(orIds(rule.from.map((s) => source(s))));
  for (const w of rule.when) {
    const c = condition(w);
    if (c.permission !== undefined) permissions.push(c.permission);
    if (c.principal !== undefined) principals.push(c.principal);
  }
  return { permissions: [andRules(permissions)], principals: [andIds(principals)] };
}

function labelsMatch(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

/** Policies that apply to a workload: its namespace's (by selector) and the root namespace's. */
export function policiesFor(
  policies: readonly ConfigResource<"AuthorizationPolicy">[],
  namespace: string,
  labels: Readonly<Record<string, string>>,
  rootNamespace: string,
): ConfigResource<"AuthorizationPolicy">[] {
  return policies.filter((p) => {
    const ns = p.metadata.namespace;
    if (ns !== namespace && ns !== rootNamespace) return false;
    return p.spec.selector === undefined || labelsMatch(p.spec.selector, labels);
  });
}

/** RBAC configs for the policies of one action, or undefined when no filter is needed. */
export function rbacFor(
  applicable: readonly ConfigResource<"AuthorizationPolicy">[],
  action: "ALLOW" | "DENY",
): RbacInit | undefined {
  const mine = applicable.filter((p) => p.spec.action === action);
  if (mine.length === 0) return undefined;
  const policies: Record<string, PolicyInit> = {};
  for (const p of mine) {
    const rules: readonly AuthzRule[] = (p.spec as AuthorizationPolicySpec).rules ?? [];
    rules.forEach((r, i) => {
      policies[`ns[${p.metadata.namespace}]-policy[${p.metadata.name}]-rule[${i}]`] = rulePolicy(r);
    });
  }
  // A DENY filter with nothing to deny is pointless; an ALLOW filter with no policies denies all.
  if (action === "DENY" && Object.keys(policies).length === 0) return undefined;
  return { rules: { action: action === "ALLOW" ? RBAC_Action.ALLOW : RBAC_Action.DENY, policies } };
}
