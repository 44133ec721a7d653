// What a connecting xDS client says about itself (Node id, locality and metadata), read the way
// istiod reads its proxies plus the Dubbo fields: the app, namespace, labels, instance IPs, the ports
// it serves and the Dubbo interfaces it provides. Values may be strings, lists or JSON strings, since
// bootstrap files are written by hand as often as by tools.
import type { Locality, PortSpec } from "./workload-instance.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export interface NodeInput {
  readonly id: string;
  readonly cluster?: string;
  readonly metadata?: JsonObject;
  readonly locality?: { readonly region?: string; readonly zone?: string; readonly subZone?: string };
  readonly userAgentName?: string;
}

export interface ClientIdentity {
  readonly id: string;
  readonly namespace: string;
  readonly app?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ips: readonly string[];
  readonly ports: readonly PortSpec[];
  readonly dubboServices: readonly string[];
  readonly locality?: Locality;
  readonly generator?: string;
  readonly serviceAccount?: string;
  /** Istio's `AUTO_REGISTER_GROUP`: the WorkloadGroup to stamp this workload from. */
  readonly workloadGroup?: string;
  readonly weight?: number;
  readonly userAgent?: string;
  readonly metadata: JsonObject;
}

function str(v: JsonValue | undefined): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number") return String(v);
  return undefined;
}

/** A JSON-encoded value inside a string (Istio sends POD_PORTS and sometimes LABELS that way). */
function maybeJson(v: JsonValue | undefined): JsonValue | undefined {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (!(t.startsWith("{") || t.startsWith("["))) return v;
  try {
    return JSON.parse(t) as JsonValue;
  } catch {
    return v;
  }
}

function stringRecord(v: JsonValue | undefined): Record<string, string> {
  const o = maybeJson(v);
  const out: Record<string, string> = {};
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    // `k=v,k2=v2`, the form env-var-driven bootstraps use.
    if (typeof o === "string") {
      for (const kv of o.split(",")) {
        const i = kv.indexOf("=");
        if (i > 0) out[kv.slice(0, i).trim()] = kv.slice(i + 1).trim();
      }
    }
    return out;
  }
  for (const [k, val] of Object.entries(o)) {
    const s =
      typeof val === "string"
        ? val
        : typeof val === "number" || typeof val === "boolean"
          ? String(val)
          : undefined;
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function stringList(v: JsonValue | undefined): string[] {
  const o = maybeJson(v);
  if (Array.isArray(o)) return o.map((x) => str(x)).filter((x): x is string => x !== undefined);
  const s = str(o);
  return s === undefined
    ? []
    : s
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "");
}

function port(name: string | undefined, n: unknown, protocol?: string): PortSpec | undefined {
  const num = typeof n === "number" ? n : Number(n);
  if (!Number.isInteger(num) || num < 1 || num > 65535) return undefined;
  return { name: name ?? `grpc-${num}`, port: num, ...(protocol === undefined ? {} : { protocol }) };
}

/**
 * Ports from `DUBBO_PORTS`/`PORTS` (`50051`, `"grpc:50051,http:8080"`, `[50051]`, `[{name, port}]`)
 * or Istio's `POD_PORTS` (`[{"name":"grpc","containerPort":50051,"protocol":"TCP"}]`).
 */
function ports(metadata: JsonObject): PortSpec[] {
  const out: PortSpec[] = [];
  const raw = maybeJson(metadata.DUBBO_PORTS ?? metadata.PORTS ?? metadata.POD_PORTS);
  const items: JsonValue[] = Array.isArray(raw)
    ? raw
    : typeof raw === "string"
      ? raw.split(",")
      : raw === undefined || raw === null
        ? []
        : [raw];
  for (const item of items) {
    let p: PortSpec | undefined;
    if (typeof item === "number") p = port(undefined, item);
    else if (typeof item === "string") {
      const [a, b] = item.trim().split(":");
      p = b === undefined ? port(undefined, a) : port(a, b);
    } else if (item !== null && typeof item === "object" && !Array.isArray(item)) {
      const protocol = str(item.protocol);
      p = port(str(item.name), item.port ?? item.containerPort, protocol === "TCP" ? undefined : protocol);
    }
    if (p !== undefined && !out.some((q) => q.port === p.port)) out.push(p);
  }
  return out;
}

const ISTIO_ID = /^(sidecar|router|proxyless)~([^~]*)~([^~]*)~([^~]*)$/;

function stripMapped(ip: string): string {
  return ip.startsWith("::ffff:") ? ip.slice(7) : ip;
}

/** `peerAddress` (the ADS connection's remote address) is the fallback instance IP. */
export function clientIdentity(node: NodeInput, peerAddress?: string): ClientIdentity {
  const md: JsonObject = node.metadata ?? {};
  const m = ISTIO_ID.exec(node.id);
  const labels = stringRecord(md.LABELS);
  const namespace =
    str(md.NAMESPACE) ??
    str(md.DUBBO_NAMESPACE) ??
    (m !== null ? m[4].split(".")[0] : undefined) ??
    labels.namespace ??
    "default";
  const app = str(md.APP) ?? str(md.DUBBO_APPLICATION) ?? labels.app ?? labels["app.kubernetes.io/name"];
  let ips = stringList(md.INSTANCE_IPS).map(stripMapped);
  if (ips.length === 0 && m !== null && m[2] !== "") ips = [m[2]];
  if (ips.length === 0 && peerAddress !== undefined && peerAddress !== "") ips = [stripMapped(peerAddress)];
  // Prefer IPv4 first: EDS endpoints must be IP literals and most meshes are v4.
  ips.sort((a, b) => Number(a.includes(":")) - Number(b.includes(":")));
  const loc = node.locality;
  const locality =
    loc !== undefined && (loc.region || loc.zone || loc.subZone)
      ? { region: loc.region ?? "", zone: loc.zone ?? "", subZone: loc.subZone ?? "" }
      : undefined;
  const weightRaw = Number(str(md.WEIGHT) ?? NaN);
  const generator = str(md.GENERATOR);
  const serviceAccount = str(md.SERVICE_ACCOUNT);
  const workloadGroup = str(md.AUTO_REGISTER_GROUP);
  return {
    id: node.id,
    namespace,
    ...(app === undefined ? {} : { app }),
    labels: app !== undefined && labels.app === undefined ? { ...labels, app } : labels,
    ips,
    ports: ports(md),
    dubboServices: stringList(md.DUBBO_SERVICES),
    ...(locality === undefined ? {} : { locality }),
    ...(generator === undefined ? {} : { generator }),
    ...(serviceAccount === undefined ? {} : { serviceAccount }),
    ...(workloadGroup === undefined ? {} : { workloadGroup }),
    ...(Number.isInteger(weightRaw) && weightRaw > 0 ? { weight: weightRaw } : {}),
    ...(node.userAgentName ? { userAgent: node.userAgentName } : {}),
    metadata: md,
  };
}
