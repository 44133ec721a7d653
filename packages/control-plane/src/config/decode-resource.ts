// A parsed object -> a checked resource: apiVersion/kind/metadata, then the kind's spec checker.
// Shared by the config directory (YAML) and the HTTP API (JSON or YAML bodies).
import { createHash } from "node:crypto";
import {
  Check,
  type FieldPath,
  isObject,
  type Obj,
  object,
  Report,
  requiredString,
  stringMap,
} from "./check.js";
import { dubboRuleKey } from "./kinds/dubbo-rules.js";
import { DUBBO_GROUP, KIND_NAMES, KINDS } from "./kinds/kind-table.js";
import type { AnyResource, JsonObject, Kind, SourceLocation } from "./resource.js";

export interface DecodeResult {
  readonly resource?: AnyResource;
  readonly report: Report;
  /** Maps a checker path onto the path in the written document (raw Dubbo rules have no `spec`). */
  readonly docPath: (p: FieldPath) => FieldPath;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const DEFAULT_NAMESPACE = "default";
/** Namespace of raw Dubbo rules: Dubbo's config group, as in ZooKeeper's `/dubbo/config/dubbo/<key>`. */
export const DUBBO_RULE_NAMESPACE = "dubbo";

function rawDubboKind(o: Obj): "ConditionRoute" | "TagRoute" | "DynamicConfig" | undefined {
  if (o.apiVersion !== undefined || o.kind !== undefined || typeof o.key !== "string") return undefined;
  if (o.conditions !== undefined) return "ConditionRoute";
  if (o.tags !== undefined) return "TagRoute";
  if (o.configs !== undefined) return "DynamicConfig";
  return undefined;
}

/** What the context says about the resource (the API path): filled in when absent, checked when present. */
export interface ResourceDefaults {
  readonly namespace?: string;
  readonly name?: string;
}

export function contentVersion(raw: unknown): string {
  return createHash("sha1").update(JSON.stringify(raw)).digest("base64url").slice(0, 12);
}

/**
 * `defaults.namespace` fills a missing metadata.namespace (the API path's namespace); the object's own
 * namespace must agree with it when both are given.
 */
export function decodeResource(
  value: unknown,
  source: SourceLocation,
  defaults: ResourceDefaults = {},
): DecodeResult {
  const report = new Report();
  const root = new Check(report);
  const identity = (p: FieldPath) => p;
  if (!isObject(value)) {
    root.error("a resource must be a map with apiVersion, kind, metadata and spec");
    return { report, docPath: identity };
  }
  const dubbo = rawDubboKind(value);
  if (dubbo !== undefined) return decodeRawDubbo(value, dubbo, source, report, defaults);

  const apiVersion = requiredString(value.apiVersion, root.at("apiVersion"));
  const kindName = requiredString(value.kind, root.at("kind"));
  if (apiVersion === undefined || kindName === undefined) return { report, docPath: identity };
  const kind = KIND_NAMES.find((k) => k === kindName);
  if (kind === undefined) {
    root.at("kind").error(`unknown kind "${kindName}"; known kinds: ${KIND_NAMES.join(", ")}`);
    return { report, docPath: identity };
  }
  const info = KINDS[kind];
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/", 2) : ["", apiVersion];
  if (group !== info.group || !info.versions.includes(version)) {
    root
      .at("apiVersion")
      .error(
        `${kind} is served as ${info.versions.map((v) => `${info.group}/${v}`).join(", ")}, not "${apiVersion}"`,
      );
    return { report, docPath: identity };
  }
  for (const k of Object.keys(value))
    if (!["apiVersion", "kind", "metadata", "spec", "status"].includes(k))
      root.at(k).warn("unknown field, ignored");
  const meta = metadataOf(value.metadata, root.at("metadata"), kind, defaults);
  const spec = info.check(
    value.spec ?? (kind === "PeerAuthentication" || kind === "AuthorizationPolicy" ? {} : undefined),
    root.at("spec"),
  );
  if (meta === undefined || spec === undefined || report.errors.length > 0)
    return { report, docPath: identity };
  // The stored object always names itself fully, whatever the request path filled in.
  const raw = stripStatus(value);
  const rawMeta = isObject(raw.metadata) ? raw.metadata : {};
  raw.metadata = { ...rawMeta, name: meta.name, namespace: meta.namespace };
  const resource = {
    apiVersion,
    kind,
    metadata: { ...meta, resourceVersion: contentVersion(raw) },
    raw,
    spec,
    source,
  } as AnyResource;
  return { resource, report, docPath: identity };
}

function stripStatus(o: Obj): JsonObject {
  const { status: _status, ...rest } = o;
  return JSON.parse(JSON.stringify(rest)) as JsonObject;
}

function metadataOf(
  v: unknown,
  c: Check,
  kind: Kind,
  defaults: ResourceDefaults,
):
  | { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> }
  | undefined {
  if (v == null && defaults.name === undefined) return c.error("is required (metadata.name at least)");
  const m = object(v ?? {}, c);
  if (m === undefined) return undefined;
  const name =
    m.name == null && defaults.name !== undefined ? defaults.name : requiredString(m.name, c.at("name"));
  if (name !== undefined && defaults.name !== undefined && name !== defaults.name)
    c.at("name").error(`is "${name}" but the request is for "${defaults.name}"`);
  const isDubbo = KINDS[kind].group === DUBBO_GROUP;
  if (name !== undefined && !isDubbo && (name.length > 253 || !DNS_SUBDOMAIN.test(name)))
    c.at("name").error(`"${name}" is not a valid name (lower-case letters, digits, '-' and '.')`);
  if (name !== undefined && (name.includes("/") || name.trim() !== name || name === ""))
    c.at("name").error(`"${name}" is not a valid name`);
  const ns = m.namespace == null ? undefined : requiredString(m.namespace, c.at("namespace"));
  if (ns !== undefined && !DNS_SUBDOMAIN.test(ns))
    c.at("namespace").error(`"${ns}" is not a valid namespace`);
  if (ns !== undefined && defaults.namespace !== undefined && ns !== defaults.namespace)
    c.at("namespace").error(`is "${ns}" but the request is for namespace "${defaults.namespace}"`);
  const labels = stringMap(m.labels, c.at("labels")) ?? {};
  const annotations = stringMap(m.annotations, c.at("annotations")) ?? {};
  if (name === undefined) return undefined;
  return { name, namespace: ns ?? defaults.namespace ?? DEFAULT_NAMESPACE, labels, annotations };
}

function decodeRawDubbo(
  value: Obj,
  kind: "ConditionRoute" | "TagRoute" | "DynamicConfig",
  source: SourceLocation,
  report: Report,
  defaults: ResourceDefaults,
): DecodeResult {
  // Raw rules carry no `spec`: checker paths `spec.x` are document paths `x`.
  const docPath = (p: FieldPath) => (p[0] === "spec" ? p.slice(1) : p);
  const spec = KINDS[kind].check(value, new Check(report, ["spec"]));
  if (spec === undefined || report.errors.length > 0) return { report, docPath };
  const name = dubboRuleKey(kind, spec.key);
  if (defaults.name !== undefined && defaults.name !== name)
    new Check(report, ["spec", "key"]).error(
      `names the rule "${name}" but the request is for "${defaults.name}"`,
    );
  if (report.errors.length > 0) return { report, docPath };
  const namespace = defaults.namespace ?? DUBBO_RULE_NAMESPACE;
  const raw = JSON.parse(JSON.stringify(value)) as JsonObject;
  const resource = {
    apiVersion: `${DUBBO_GROUP}/v1alpha1`,
    kind,
    metadata: { name, namespace, labels: {}, annotations: {}, resourceVersion: contentVersion(raw) },
    raw,
    spec,
    source,
  } as AnyResource;
  return { resource, report, docPath };
}
