// security.istio.io PeerAuthentication and AuthorizationPolicy, as istiod reads them for proxyless
// gRPC servers: mTLS mode per workload, and ALLOW/DENY rules turned into the RBAC HTTP filter.
import {
  type Check,
  listOf,
  object,
  oneOf,
  requiredObject,
  requiredString,
  stringList,
  stringMap,
} from "../check.js";

export type MtlsMode = "UNSET" | "DISABLE" | "PERMISSIVE" | "STRICT";

export interface PeerAuthenticationSpec {
  readonly selector?: Readonly<Record<string, string>>;
  readonly mode: MtlsMode;
  readonly portLevel: Readonly<Record<number, MtlsMode>>;
}

function selector(o: Record<string, unknown>, c: Check): Record<string, string> | undefined {
  const s = object(o.selector, c.at("selector"), ["matchLabels"]);
  return s === undefined ? undefined : stringMap(s.matchLabels, c.at("selector").at("matchLabels"));
}

const MODES = ["UNSET", "DISABLE", "PERMISSIVE", "STRICT"] as const;

export function checkPeerAuthentication(spec: unknown, c: Check): PeerAuthenticationSpec | undefined {
  const o = object(spec, c, ["selector", "mtls", "portLevelMtls"]) ?? {};
  const m = object(o.mtls, c.at("mtls"), ["mode"]);
  const mode = (m === undefined ? undefined : oneOf(m.mode, c.at("mtls").at("mode"), MODES)) ?? "UNSET";
  const portLevel: Record<number, MtlsMode> = {};
  const pl = object(o.portLevelMtls, c.at("portLevelMtls"));
  if (pl !== undefined) {
    for (const [port, v] of Object.entries(pl)) {
      const pc = c.at("portLevelMtls").at(port);
      const n = Number(port);
      if (!Number.isInteger(n) || n < 1 || n > 65535) pc.error(`"${port}" is not a port number`);
      const pm = object(v, pc, ["mode"]);
      const pmode = pm === undefined ? undefined : oneOf(pm.mode, pc.at("mode"), MODES);
      if (pmode !== undefined) portLevel[n] = pmode;
    }
  }
  const sel = selector(o, c);
  if (Object.keys(portLevel).length > 0 && sel === undefined)
    c.at("portLevelMtls").error(
      "requires a selector (Istio applies port-level mTLS only to selected workloads)",
    );
  return { ...(sel === undefined ? {} : { selector: sel }), mode, portLevel };
}

export interface AuthzSource {
  readonly principals?: readonly string[];
  readonly notPrincipals?: readonly string[];
  readonly namespaces?: readonly string[];
  readonly notNamespaces?: readonly string[];
  readonly ipBlocks?: readonly string[];
  readonly notIpBlocks?: readonly string[];
}

export interface AuthzOperation {
  readonly hosts?: readonly string[];
  readonly notHosts?: readonly string[];
  readonly ports?: readonly string[];
  readonly notPorts?: readonly string[];
  readonly methods?: readonly string[];
  readonly notMethods?: readonly string[];
  readonly paths?: readonly string[];
  readonly notPaths?: readonly string[];
}

export interface AuthzCondition {
  readonly key: string;
  readonly values?: readonly string[];
  readonly notValues?: readonly string[];
}

export interface AuthzRule {
  readonly from: readonly AuthzSource[];
  readonly to: readonly AuthzOperation[];
  readonly when: readonly AuthzCondition[];
}

export interface AuthorizationPolicySpec {
  readonly selector?: Readonly<Record<string, string>>;
  readonly action: "ALLOW" | "DENY" | "AUDIT" | "CUSTOM";
  /** undefined = no `rules` field (ALLOW: deny everything; DENY: deny nothing), as Istio defines it. */
  readonly rules?: readonly AuthzRule[];
}

const SOURCE_FIELDS = [
  "principals",
  "notPrincipals",
  "namespaces",
  "notNamespaces",
  "ipBlocks",
  "notIpBlocks",
  "remoteIpBlocks",
  "notRemoteIpBlocks",
  "requestPrincipals",
  "notRequestPrincipals",
] as const;
const OPERATION_FIELDS = [
  "hosts",
  "notHosts",
  "ports",
  "notPorts",
  "methods",
  "notMethods",
  "paths",
  "notPaths",
] as const;

/** Conditions proxyless gRPC can evaluate (istiod's RBAC builder supports more for Envoy). */
export const SUPPORTED_CONDITION_KEYS = [
  "source.ip",
  "source.namespace",
  "source.principal",
  "destination.port",
  "request.headers",
] as const;

function fields<K extends string>(
  v: unknown,
  c: Check,
  known: readonly K[],
  unsupported: readonly string[],
): Partial<Record<K, string[]>> | undefined {
  const o = requiredObject(v, c, [...known, ...unsupported]);
  if (o === undefined) return undefined;
  const out: Partial<Record<K, string[]>> = {};
  for (const k of known) {
    if (o[k] == null) continue;
    const l = stringList(o[k], c.at(k));
    if (l.length === 0) c.at(k).error("must not be empty when present");
    out[k] = l;
  }
  for (const k of unsupported) if (o[k] != null) c.at(k).error("is not supported for proxyless gRPC servers");
  return out;
}

function checkRule(v: unknown, c: Check): AuthzRule | undefined {
  const o = object(v, c, ["from", "to", "when"]) ?? {};
  const from = listOf(o.from, c.at("from"), (item, ic) => {
    const s = requiredObject(item, ic, ["source"]);
    return s === undefined
      ? undefined
      : fields(s.source, ic.at("source"), SOURCE_FIELDS.slice(0, 6), SOURCE_FIELDS.slice(6));
  });
  const to = listOf(o.to, c.at("to"), (item, ic) => {
    const s = requiredObject(item, ic, ["operation"]);
    const op = s === undefined ? undefined : fields(s.operation, ic.at("operation"), OPERATION_FIELDS, []);
    for (const field of ["ports", "notPorts"] as const) {
      op?.[field]?.forEach((p, i) => {
        const n = Number(p);
        if (!/^\d+$/.test(p) || n < 1 || n > 65535)
          ic.at("operation").at(field).at(i).error(`"${p}" is not a port number`);
      });
    }
    return op;
  });
  const when = listOf(o.when, c.at("when"), (item, ic) => {
    const w = requiredObject(item, ic, ["key", "values", "notValues"]);
    if (w === undefined) return undefined;
    const key = requiredString(w.key, ic.at("key"));
    if (key !== undefined) {
      const base = key.startsWith("request.headers[") && key.endsWith("]") ? "request.headers" : key;
      if (!(SUPPORTED_CONDITION_KEYS as readonly string[]).includes(base))
        ic.at("key").error(`"${key}" is not supported; use one of ${SUPPORTED_CONDITION_KEYS.join(", ")}`);
    }
    const values = w.values == null ? undefined : stringList(w.values, ic.at("values"));
    const notValues = w.notValues == null ? undefined : stringList(w.notValues, ic.at("notValues"));
    if (values === undefined && notValues === undefined) ic.error("must set values or notValues");
    if (key === undefined) return undefined;
    return {
      key,
      ...(values === undefined ? {} : { values }),
      ...(notValues === undefined ? {} : { notValues }),
    };
  });
  return { from, to, when };
}

export function checkAuthorizationPolicy(spec: unknown, c: Check): AuthorizationPolicySpec | undefined {
  const o = object(spec, c, ["selector", "targetRef", "targetRefs", "rules", "action", "provider"]) ?? {};
  const action = oneOf(o.action, c.at("action"), ["ALLOW", "DENY", "AUDIT", "CUSTOM"] as const) ?? "ALLOW";
  if (action === "AUDIT" || action === "CUSTOM")
    c.at("action").warn(`${action} is not enforced by proxyless gRPC servers; the policy is ignored`);
  const sel = selector(o, c);
  const rules = o.rules == null ? undefined : listOf(o.rules, c.at("rules"), checkRule);
  return {
    ...(sel === undefined ? {} : { selector: sel }),
    action,
    ...(rules === undefined ? {} : { rules }),
  };
}
