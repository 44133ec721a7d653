// networking.istio.io DestinationRule: subsets and the traffic policy fields that map onto gRPC's
// cluster config (load balancer, connection pool max requests, outlier detection, TLS mode).
import {
  boolean,
  type Check,
  duration,
  integer,
  listOf,
  number,
  object,
  oneOf,
  requiredObject,
  requiredString,
  string,
  stringMap,
} from "../check.js";

export type SimpleLb =
  | "UNSPECIFIED"
  | "LEAST_CONN"
  | "RANDOM"
  | "PASSTHROUGH"
  | "ROUND_ROBIN"
  | "LEAST_REQUEST";

export interface ConsistentHash {
  readonly httpHeaderName?: string;
  readonly httpCookie?: string;
  readonly useSourceIp?: boolean;
  readonly httpQueryParameterName?: string;
  readonly minimumRingSize?: number;
}

export interface LoadBalancerSettings {
  readonly simple?: SimpleLb;
  readonly consistentHash?: ConsistentHash;
}

export interface OutlierDetection {
  readonly consecutive5xxErrors?: number;
  readonly consecutiveGatewayErrors?: number;
  readonly intervalMs?: number;
  readonly baseEjectionTimeMs?: number;
  readonly maxEjectionPercent?: number;
  readonly minHealthPercent?: number;
}

export interface ConnectionPool {
  readonly http2MaxRequests?: number;
  readonly http1MaxPendingRequests?: number;
  readonly maxRetries?: number;
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
}

export type TlsMode = "DISABLE" | "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";

export interface TrafficPolicy {
  readonly loadBalancer?: LoadBalancerSettings;
  readonly connectionPool?: ConnectionPool;
  readonly outlierDetection?: OutlierDetection;
  readonly tlsMode?: TlsMode;
  readonly portLevelSettings?: readonly (TrafficPolicy & { readonly port: number })[];
}

export interface Subset {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly trafficPolicy?: TrafficPolicy;
}

export interface DestinationRuleSpec {
  readonly host: string;
  readonly trafficPolicy?: TrafficPolicy;
  readonly subsets: readonly Subset[];
  readonly exportTo: readonly string[];
}

function checkLb(v: unknown, c: Check): LoadBalancerSettings | undefined {
  const o = object(v, c, ["simple", "consistentHash", "localityLbSetting", "warmupDurationSecs", "warmup"]);
  if (o === undefined) return undefined;
  const simple = oneOf(o.simple, c.at("simple"), [
    "UNSPECIFIED",
    "LEAST_CONN",
    "RANDOM",
    "PASSTHROUGH",
    "ROUND_ROBIN",
    "LEAST_REQUEST",
  ] as const);
  let consistentHash: ConsistentHash | undefined;
  const ch = object(o.consistentHash, c.at("consistentHash"), [
    "httpHeaderName",
    "httpCookie",
    "useSourceIp",
    "httpQueryParameterName",
    "ringHash",
    "maglev",
    "minimumRingSize",
  ]);
  if (ch !== undefined) {
    const cc = c.at("consistentHash");
    const httpHeaderName = string(ch.httpHeaderName, cc.at("httpHeaderName"));
    const cookie = object(ch.httpCookie, cc.at("httpCookie"), ["name", "path", "ttl", "attributes"]);
    const httpCookie =
      cookie === undefined ? undefined : requiredString(cookie.name, cc.at("httpCookie").at("name"));
    const useSourceIp = boolean(ch.useSourceIp, cc.at("useSourceIp"));
    const httpQueryParameterName = string(ch.httpQueryParameterName, cc.at("httpQueryParameterName"));
    const keys = [
      httpHeaderName,
      httpCookie,
      useSourceIp === true ? true : undefined,
      httpQueryParameterName,
    ];
    if (keys.filter((k) => k !== undefined).length !== 1)
      cc.error("must set exactly one of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName");
    const ring = object(ch.ringHash, cc.at("ringHash"), ["minimumRingSize"]);
    const minimumRingSize =
      ring !== undefined
        ? integer(ring.minimumRingSize, cc.at("ringHash").at("minimumRingSize"), 1, 8_388_608)
        : integer(ch.minimumRingSize, cc.at("minimumRingSize"), 1, 8_388_608);
    if (ch.maglev != null) cc.at("maglev").warn("gRPC has no Maglev; a ring hash is used instead");
    consistentHash = {
      ...(httpHeaderName === undefined ? {} : { httpHeaderName }),
      ...(httpCookie === undefined ? {} : { httpCookie }),
      ...(useSourceIp === undefined ? {} : { useSourceIp }),
      ...(httpQueryParameterName === undefined ? {} : { httpQueryParameterName }),
      ...(minimumRingSize === undefined ? {} : { minimumRingSize }),
    };
  }
  if (simple !== undefined && consistentHash !== undefined)
    c.error("must not set both simple and consistentHash");
  return {
    ...(simple === undefined ? {} : { simple }),
    ...(consistentHash === undefined ? {} : { consistentHash }),
  };
}

function checkPool(v: unknown, c: Check): ConnectionPool | undefined {
  const o = object(v, c, ["tcp", "http"]);
  if (o === undefined) return undefined;
  const tcp = object(o.tcp, c.at("tcp"), [
    "maxConnections",
    "connectTimeout",
    "tcpKeepalive",
    "maxConnectionDuration",
    "idleTimeout",
  ]);
  const http = object(o.http, c.at("http"), [
    "http1MaxPendingRequests",
    "http2MaxRequests",
    "maxRequestsPerConnection",
    "maxRetries",
    "idleTimeout",
    "h2UpgradePolicy",
    "useClientProtocol",
    "maxConcurrentStreams",
  ]);
  const I32 = 2 ** 31 - 1;
  const pool: { -readonly [K in keyof ConnectionPool]: ConnectionPool[K] } = {};
  if (tcp !== undefined) {
    pool.maxConnections = integer(tcp.maxConnections, c.at("tcp").at("maxConnections"), 0, I32);
    pool.connectTimeoutMs = duration(tcp.connectTimeout, c.at("tcp").at("connectTimeout"));
  }
  if (http !== undefined) {
    pool.http2MaxRequests = integer(http.http2MaxRequests, c.at("http").at("http2MaxRequests"), 0, I32);
    pool.http1MaxPendingRequests = integer(
      http.http1MaxPendingRequests,
      c.at("http").at("http1MaxPendingRequests"),
      0,
      I32,
    );
    pool.maxRetries = integer(http.maxRetries, c.at("http").at("maxRetries"), 0, I32);
  }
  for (const k of Object.keys(pool) as (keyof ConnectionPool)[]) if (pool[k] === undefined) delete pool[k];
  return pool;
}

function checkOutlier(v: unknown, c: Check): OutlierDetection | undefined {
  const o = object(v, c, [
    "consecutiveErrors",
    "consecutive5xxErrors",
    "consecutiveGatewayErrors",
    "consecutiveLocalOriginFailures",
    "splitExternalLocalOriginErrors",
    "interval",
    "baseEjectionTime",
    "maxEjectionPercent",
    "minHealthPercent",
  ]);
  if (o === undefined) return undefined;
  const I32 = 2 ** 31 - 1;
  const od: { -readonly [K in keyof OutlierDetection]: OutlierDetection[K] } = {
    consecutive5xxErrors:
      integer(o.consecutive5xxErrors, c.at("consecutive5xxErrors"), 0, I32) ??
      integer(o.consecutiveErrors, c.at("consecutiveErrors"), 0, I32),
    consecutiveGatewayErrors: integer(o.consecutiveGatewayErrors, c.at("consecutiveGatewayErrors"), 0, I32),
    intervalMs: duration(o.interval, c.at("interval")),
    baseEjectionTimeMs: duration(o.baseEjectionTime, c.at("baseEjectionTime")),
    maxEjectionPercent: number(o.maxEjectionPercent, c.at("maxEjectionPercent"), 0, 100),
    minHealthPercent: number(o.minHealthPercent, c.at("minHealthPercent"), 0, 100),
  };
  for (const k of Object.keys(od) as (keyof OutlierDetection)[]) if (od[k] === undefined) delete od[k];
  return od;
}

function checkPolicy(v: unknown, c: Check, portLevel: boolean): TrafficPolicy | undefined {
  const known = [
    "loadBalancer",
    "connectionPool",
    "outlierDetection",
    "tls",
    "portLevelSettings",
    "tunnel",
    "proxyProtocol",
    "retryBudget",
  ];
  const o = object(v, c, portLevel ? [...known, "port"] : known);
  if (o === undefined) return undefined;
  const loadBalancer = checkLb(o.loadBalancer, c.at("loadBalancer"));
  const connectionPool = checkPool(o.connectionPool, c.at("connectionPool"));
  const outlierDetection = checkOutlier(o.outlierDetection, c.at("outlierDetection"));
  const tls = object(o.tls, c.at("tls"), [
    "mode",
    "clientCertificate",
    "privateKey",
    "caCertificates",
    "credentialName",
    "subjectAltNames",
    "sni",
    "insecureSkipVerify",
    "caCrl",
  ]);
  const tlsMode =
    tls === undefined
      ? undefined
      : oneOf(tls.mode, c.at("tls").at("mode"), ["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"] as const);
  let portLevelSettings: (TrafficPolicy & { port: number })[] | undefined;
  if (!portLevel && o.portLevelSettings != null) {
    portLevelSettings = listOf(o.portLevelSettings, c.at("portLevelSettings"), (item, ic) => {
      const p = checkPolicy(item, ic, true);
      const po = requiredObject((item as Record<string, unknown> | null)?.port, ic.at("port"), ["number"]);
      const port = po === undefined ? undefined : integer(po.number, ic.at("port").at("number"), 1, 65535);
      if (p === undefined || port === undefined) return undefined;
      return { ...p, port };
    });
  }
  return {
    ...(loadBalancer === undefined ? {} : { loadBalancer }),
    ...(connectionPool === undefined ? {} : { connectionPool }),
    ...(outlierDetection === undefined ? {} : { outlierDetection }),
    ...(tlsMode === undefined ? {} : { tlsMode }),
    ...(portLevelSettings === undefined ? {} : { portLevelSettings }),
  };
}

const SUBSET_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

export function checkDestinationRule(spec: unknown, c: Check): DestinationRuleSpec | undefined {
  const o = requiredObject(spec, c, ["host", "trafficPolicy", "subsets", "exportTo", "workloadSelector"]);
  if (o === undefined) return undefined;
  const host = requiredString(o.host, c.at("host"));
  const trafficPolicy = checkPolicy(o.trafficPolicy, c.at("trafficPolicy"), false);
  const seen = new Set<string>();
  const subsets = listOf(o.subsets, c.at("subsets"), (item, ic) => {
    const s = requiredObject(item, ic, ["name", "labels", "trafficPolicy"]);
    if (s === undefined) return undefined;
    const name = requiredString(s.name, ic.at("name"));
    if (name !== undefined && !SUBSET_NAME.test(name))
      ic.at("name").error(`"${name}" is not a valid subset name`);
    if (name !== undefined && seen.has(name)) ic.at("name").error(`duplicate subset "${name}"`);
    if (name !== undefined) seen.add(name);
    const labels = stringMap(s.labels, ic.at("labels")) ?? {};
    const tp = checkPolicy(s.trafficPolicy, ic.at("trafficPolicy"), false);
    if (name === undefined) return undefined;
    return { name, labels, ...(tp === undefined ? {} : { trafficPolicy: tp }) };
  });
  if (host === undefined) return undefined;
  const exportTo = listOf(o.exportTo, c.at("exportTo"), (item, ic) => string(item, ic));
  return { host, ...(trafficPolicy === undefined ? {} : { trafficPolicy }), subsets, exportTo };
}
