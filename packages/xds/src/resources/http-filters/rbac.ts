// envoy.extensions.filters.http.rbac.v3.RBAC (and RBACPerRoute) -> RbacConfig (A41, server side).
// istiod turns AuthorizationPolicies into these on inbound listeners (filters named
// `envoy.filters.http.rbac` and, for DENY policies, `envoy.filters.http.rbac.DENY`).
import {
  type Permission,
  type Policy,
  type Principal,
  RBAC_Action,
  type RBAC as RbacRulesMessage,
} from "../../gen/envoy/config/rbac/v3/rbac_pb.js";
import type { HeaderMatcher } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import type { RBAC, RBACPerRoute } from "../../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import type { PathMatcher } from "../../gen/envoy/type/matcher/v3/path_pb.js";
import { cidrFrom } from "../common/cidr.js";
import { type HeaderMatcherConfig, headerMatcherFrom } from "../common/header-matcher.js";
import { type StringMatcherConfig, stringMatcherFrom } from "../common/string-matcher.js";
import type { FieldErrors } from "../validation.js";
import type { RbacConfig, RbacPermission, RbacPolicy, RbacPrincipal, RbacRules } from "./types.js";

// Rules nest through and/or/not; a bound keeps a hostile config from exhausting the stack.
const MAX_DEPTH = 64;

function rbacHeader(h: HeaderMatcher, errors: FieldErrors): HeaderMatcherConfig | undefined {
  const name = h.name.toLowerCase();
  // A41: gRPC-reserved headers and :scheme are not reliably visible to the server; refuse to match them.
  if (name.startsWith("grpc-") || name === ":scheme") {
    errors.at("name").add(`matching on ${JSON.stringify(h.name)} is not allowed`);
    return undefined;
  }
  return headerMatcherFrom(h, errors);
}

function pathMatcher(p: PathMatcher, errors: FieldErrors): StringMatcherConfig | undefined {
  if (p.rule.case !== "path") {
    errors.add("path is not set");
    return undefined;
  }
  return stringMatcherFrom(p.rule.value, errors.at("path"));
}

function list<T, R>(
  items: readonly T[],
  errors: FieldErrors,
  convert: (item: T, at: FieldErrors) => R | undefined,
): R[] {
  const out: R[] = [];
  items.forEach((item, i) => {
    const r = convert(item, errors.at(i));
    if (r !== undefined) out.push(r);
  });
  return out;
}

function permissionFrom(p: Permission, errors: FieldErrors, depth: number): RbacPermission | undefined {
  if (depth > MAX_DEPTH) {
    errors.add(`rules nest deeper than ${MAX_DEPTH}`);
    return undefined;
  }
  const r = p.rule;
  switch (r.case) {
    case "andRules":
    case "orRules": {
      const at = errors.at(r.case === "andRules" ? "and_rules" : "or_rules").at("rules");
      const rules = list(r.value.rules, at, (x, e) => permissionFrom(x, e, depth + 1));
      return { kind: r.case === "andRules" ? "and" : "or", rules };
    }
    case "any":
      return { kind: "any" };
    case "header": {
      const matcher = rbacHeader(r.value, errors.at("header"));
      return matcher === undefined ? undefined : { kind: "header", matcher };
    }
    case "urlPath": {
      const matcher = pathMatcher(r.value, errors.at("url_path"));
      return matcher === undefined ? undefined : { kind: "url_path", matcher };
    }
    case "destinationIp": {
      const cidr = cidrFrom(r.value, errors.at("destination_ip"));
      return cidr === undefined ? undefined : { kind: "destination_ip", cidr };
    }
    case "destinationPort":
      return { kind: "destination_port", port: r.value };
    case "destinationPortRange":
      return { kind: "destination_port_range", start: r.value.start, end: r.value.end };
    case "metadata":
      return { kind: "metadata", invert: r.value.invert };
    case "notRule": {
      const rule = permissionFrom(r.value, errors.at("not_rule"), depth + 1);
      return rule === undefined ? undefined : { kind: "not", rule };
    }
    case "requestedServerName": {
      const matcher = stringMatcherFrom(r.value, errors.at("requested_server_name"));
      return matcher === undefined ? undefined : { kind: "requested_server_name", matcher };
    }
    case "matcher":
    case "uriTemplate":
      errors.at(r.case === "matcher" ? "matcher" : "uri_template").add("is not supported");
      return undefined;
    default:
      errors.add("rule is not set");
      return undefined;
  }
}

function principalFrom(p: Principal, errors: FieldErrors, depth: number): RbacPrincipal | undefined {
  if (depth > MAX_DEPTH) {
    errors.add(`ids nest deeper than ${MAX_DEPTH}`);
    return undefined;
  }
  const id = p.identifier;
  switch (id.case) {
    case "andIds":
    case "orIds": {
      const at = errors.at(id.case === "andIds" ? "and_ids" : "or_ids").at("ids");
      const ids = list(id.value.ids, at, (x, e) => principalFrom(x, e, depth + 1));
      return { kind: id.case === "andIds" ? "and" : "or", ids };
    }
    case "any":
      return { kind: "any" };
    case "authenticated": {
      if (id.value.principalName === undefined) return { kind: "authenticated" };
      const principalName = stringMatcherFrom(
        id.value.principalName,
        errors.at("authenticated").at("principal_name"),
      );
      return principalName === undefined ? undefined : { kind: "authenticated", principalName };
    }
    case "sourceIp":
    case "directRemoteIp":
    case "remoteIp": {
      const kind =
        id.case === "sourceIp"
          ? "source_ip"
          : id.case === "directRemoteIp"
            ? "direct_remote_ip"
            : "remote_ip";
      const cidr = cidrFrom(id.value, errors.at(kind));
      return cidr === undefined ? undefined : { kind, cidr };
    }
    case "header": {
      const matcher = rbacHeader(id.value, errors.at("header"));
      return matcher === undefined ? undefined : { kind: "header", matcher };
    }
    case "urlPath": {
      const matcher = pathMatcher(id.value, errors.at("url_path"));
      return matcher === undefined ? undefined : { kind: "url_path", matcher };
    }
    case "metadata":
      return { kind: "metadata", invert: id.value.invert };
    case "notId": {
      const inner = principalFrom(id.value, errors.at("not_id"), depth + 1);
      return inner === undefined ? undefined : { kind: "not", id: inner };
    }
    case "filterState":
      errors.at("filter_state").add("is not supported");
      return undefined;
    default:
      errors.add("identifier is not set");
      return undefined;
  }
}

function policyFrom(name: string, policy: Policy, errors: FieldErrors): RbacPolicy | undefined {
  const before = errors.count;
  // A41: CEL conditions are not supported, and ignoring one would widen the policy.
  if (policy.condition !== undefined) errors.at("condition").add("CEL conditions are not supported");
  if (policy.checkedCondition !== undefined)
    errors.at("checked_condition").add("CEL conditions are not supported");
  const permissions = list(policy.permissions, errors.at("permissions"), (p, e) => permissionFrom(p, e, 0));
  const principals = list(policy.principals, errors.at("principals"), (p, e) => principalFrom(p, e, 0));
  return errors.count === before ? { name, permissions, principals } : undefined;
}

function rulesFrom(rules: RbacRulesMessage, errors: FieldErrors): RbacRules | undefined {
  const action =
    rules.action === RBAC_Action.ALLOW ? "ALLOW" : rules.action === RBAC_Action.DENY ? "DENY" : undefined;
  // A41: a LOG policy is ignored entirely, as if there were no RBAC filter.
  if (action === undefined) return undefined;
  const policies: RbacPolicy[] = [];
  for (const name of Object.keys(rules.policies).sort()) {
    const p = policyFrom(name, rules.policies[name], errors.entry("policies", name));
    if (p !== undefined) policies.push(p);
  }
  return { action, policies };
}

export function rbacFrom(rbac: RBAC, errors: FieldErrors): RbacConfig | undefined {
  const before = errors.count;
  if (rbac.matcher !== undefined) errors.at("matcher").add("the xDS matcher API is not supported; use rules");
  const rules = rbac.rules === undefined ? undefined : rulesFrom(rbac.rules, errors.at("rules"));
  // shadow_rules only produce Envoy stats and logs; they never change a decision.
  if (errors.count !== before) return undefined;
  return rules === undefined ? {} : { rules };
}

/** An override without `rbac` disables the filter for that route (Envoy's RBACPerRoute semantics). */
export function rbacPerRouteFrom(perRoute: RBACPerRoute, errors: FieldErrors): RbacConfig | undefined {
  return perRoute.rbac === undefined ? {} : rbacFrom(perRoute.rbac, errors.at("rbac"));
}
