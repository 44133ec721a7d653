// networking.istio.io VirtualService: the fields proxyless gRPC can act on (http routes), checked the
// way istiod's validation does for them. tcp/tls routes are accepted and ignored (gRPC has no use).
import {
  boolean,
  type Check,
  duration,
  integer,
  listOf,
  number,
  object,
  requiredObject,
  requiredString,
  string,
  stringList,
  stringMap,
} from "../check.js";
import { checkStringMatch, type StringMatch } from "./string-match.js";

export interface HttpMatchRequest {
  readonly name?: string;
  readonly uri?: StringMatch;
  readonly method?: StringMatch;
  readonly authority?: StringMatch;
  readonly headers?: Readonly<Record<string, StringMatch>>;
  readonly withoutHeaders?: Readonly<Record<string, StringMatch>>;
  readonly queryParams?: Readonly<Record<string, StringMatch>>;
  readonly port?: number;
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly sourceNamespace?: string;
  readonly ignoreUriCase?: boolean;
}

export interface Destination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
}

export interface HttpRouteDestination {
  readonly destination: Destination;
  readonly weight?: number;
}

export interface HttpRetry {
  readonly attempts: number;
  readonly perTryTimeoutMs?: number;
  readonly retryOn?: string;
}

export interface Percentage {
  /** 0..100 */
  readonly value: number;
}

export interface HttpFault {
  readonly delay?: { readonly fixedDelayMs: number; readonly percentage?: number };
  readonly abort?: {
    readonly httpStatus?: number;
    readonly grpcStatus?: string;
    readonly percentage?: number;
  };
}

export interface HttpRewrite {
  readonly uri?: string;
  readonly authority?: string;
  readonly uriRegexRewrite?: { readonly match: string; readonly rewrite: string };
}

export interface HttpRoute {
  readonly name?: string;
  readonly match: readonly HttpMatchRequest[];
  readonly route: readonly HttpRouteDestination[];
  readonly timeoutMs?: number;
  readonly retries?: HttpRetry;
  readonly fault?: HttpFault;
  readonly rewrite?: HttpRewrite;
}

export interface VirtualServiceSpec {
  readonly hosts: readonly string[];
  readonly gateways: readonly string[];
  readonly http: readonly HttpRoute[];
  readonly exportTo: readonly string[];
}

function stringMatchMap(v: unknown, c: Check): Record<string, StringMatch> | undefined {
  const o = object(v, c);
  if (o === undefined) return undefined;
  const out: Record<string, StringMatch> = {};
  for (const [k, val] of Object.entries(o)) {
    // Istio allows `headers: {x: {}}` to mean "present"; gRPC can express that with a present match.
    if (val !== null && typeof val === "object" && Object.keys(val).length === 0) {
      out[k] = { regex: ".*" };
      continue;
    }
    const m = checkStringMatch(val, c.at(k));
    if (m !== undefined) out[k] = m;
  }
  return out;
}

function checkMatch(v: unknown, c: Check): HttpMatchRequest | undefined {
  const o = requiredObject(v, c, [
    "name",
    "uri",
    "scheme",
    "method",
    "authority",
    "headers",
    "port",
    "sourceLabels",
    "gateways",
    "queryParams",
    "ignoreUriCase",
    "withoutHeaders",
    "sourceNamespace",
    "statPrefix",
  ]);
  if (o === undefined) return undefined;
  const m: {
    -readonly [K in keyof HttpMatchRequest]: HttpMatchRequest[K];
  } = {};
  const name = string(o.name, c.at("name"));
  if (name !== undefined) m.name = name;
  if (o.uri != null) m.uri = checkStringMatch(o.uri, c.at("uri"));
  if (o.method != null) m.method = checkStringMatch(o.method, c.at("method"));
  if (o.authority != null) m.authority = checkStringMatch(o.authority, c.at("authority"));
  if (o.headers != null) m.headers = stringMatchMap(o.headers, c.at("headers"));
  if (o.withoutHeaders != null) m.withoutHeaders = stringMatchMap(o.withoutHeaders, c.at("withoutHeaders"));
  if (o.queryParams != null) m.queryParams = stringMatchMap(o.queryParams, c.at("queryParams"));
  const port = integer(o.port, c.at("port"), 1, 65535);
  if (port !== undefined) m.port = port;
  if (o.sourceLabels != null) m.sourceLabels = stringMap(o.sourceLabels, c.at("sourceLabels"));
  const sns = string(o.sourceNamespace, c.at("sourceNamespace"));
  if (sns !== undefined) m.sourceNamespace = sns;
  const icase = boolean(o.ignoreUriCase, c.at("ignoreUriCase"));
  if (icase !== undefined) m.ignoreUriCase = icase;
  return m;
}

export function checkDestination(v: unknown, c: Check): Destination | undefined {
  const o = requiredObject(v, c, ["host", "subset", "port"]);
  if (o === undefined) return undefined;
  const host = requiredString(o.host, c.at("host"));
  const subset = string(o.subset, c.at("subset"));
  const po = object(o.port, c.at("port"), ["number"]);
  const port = po === undefined ? undefined : integer(po.number, c.at("port").at("number"), 1, 65535);
  if (host === undefined) return undefined;
  return {
    host,
    ...(subset === undefined || subset === "" ? {} : { subset }),
    ...(port === undefined ? {} : { port }),
  };
}

function checkRouteDestination(v: unknown, c: Check): HttpRouteDestination | undefined {
  const o = requiredObject(v, c, ["destination", "weight", "headers"]);
  if (o === undefined) return undefined;
  const destination = checkDestination(o.destination, c.at("destination"));
  const weight = integer(o.weight, c.at("weight"), 0, 100);
  if (destination === undefined) return undefined;
  return { destination, ...(weight === undefined ? {} : { weight }) };
}

function percentage(o: Record<string, unknown>, c: Check): number | undefined {
  if (o.percentage != null) {
    const p = object(o.percentage, c.at("percentage"), ["value"]);
    return p === undefined ? undefined : number(p.value, c.at("percentage").at("value"), 0, 100);
  }
  // `percent` (an integer) is the deprecated form, still in old manifests.
  return integer(o.percent, c.at("percent"), 0, 100);
}

const GRPC_CODES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

/** gRPC status code number for Istio's `grpcStatus` (a code name; numbers as strings are accepted too). */
export function grpcCodeNumber(status: string): number | undefined {
  const i = (GRPC_CODES as readonly string[]).indexOf(status.toUpperCase());
  if (i >= 0) return i;
  const n = Number(status);
  return Number.isInteger(n) && n >= 0 && n <= 16 ? n : undefined;
}

function checkFault(v: unknown, c: Check): HttpFault | undefined {
  const o = object(v, c, ["delay", "abort"]);
  if (o === undefined) return undefined;
  const fault: { delay?: HttpFault["delay"]; abort?: HttpFault["abort"] } = {};
  const d = object(o.delay, c.at("delay"), ["fixedDelay", "exponentialDelay", "percentage", "percent"]);
  if (d !== undefined) {
    const dc = c.at("delay");
    const fixedDelayMs = duration(d.fixedDelay, dc.at("fixedDelay"));
    if (fixedDelayMs === undefined && d.fixedDelay == null) dc.at("fixedDelay").error("is required");
    const p = percentage(d, dc);
    if (fixedDelayMs !== undefined)
      fault.delay = { fixedDelayMs, ...(p === undefined ? {} : { percentage: p }) };
  }
  const a = object(o.abort, c.at("abort"), ["httpStatus", "grpcStatus", "http2Error", "percentage"]);
  if (a !== undefined) {
    const ac = c.at("abort");
    const httpStatus = integer(a.httpStatus, ac.at("httpStatus"), 200, 599);
    const grpcStatus = string(a.grpcStatus, ac.at("grpcStatus"));
    if (grpcStatus !== undefined && grpcCodeNumber(grpcStatus) === undefined)
      ac.at("grpcStatus").error(`must be a gRPC status name such as UNAVAILABLE, got "${grpcStatus}"`);
    if ((httpStatus === undefined) === (grpcStatus === undefined) && a.http2Error == null)
      ac.error("must set exactly one of httpStatus, grpcStatus");
    const p = percentage(a, ac);
    fault.abort = {
      ...(httpStatus === undefined ? {} : { httpStatus }),
      ...(grpcStatus === undefined ? {} : { grpcStatus }),
      ...(p === undefined ? {} : { percentage: p }),
    };
  }
  return fault;
}

function checkRetry(v: unknown, c: Check): HttpRetry | undefined {
  const o = object(v, c, [
    "attempts",
    "perTryTimeout",
    "retryOn",
    "retryRemoteLocalities",
    "retryIgnorePreviousHosts",
    "backoff",
  ]);
  if (o === undefined) return undefined;
  const attempts = integer(o.attempts, c.at("attempts"), 0, 1000) ?? 0;
  const perTryTimeoutMs = duration(o.perTryTimeout, c.at("perTryTimeout"));
  const retryOn = string(o.retryOn, c.at("retryOn"));
  return {
    attempts,
    ...(perTryTimeoutMs === undefined ? {} : { perTryTimeoutMs }),
    ...(retryOn === undefined ? {} : { retryOn }),
  };
}

function checkRewrite(v: unknown, c: Check): HttpRewrite | undefined {
  const o = object(v, c, ["uri", "authority", "uriRegexRewrite"]);
  if (o === undefined) return undefined;
  const uri = string(o.uri, c.at("uri"));
  const authority = string(o.authority, c.at("authority"));
  const rr = object(o.uriRegexRewrite, c.at("uriRegexRewrite"), ["match", "rewrite"]);
  let uriRegexRewrite: HttpRewrite["uriRegexRewrite"];
  if (rr !== undefined) {
    const match = requiredString(rr.match, c.at("uriRegexRewrite").at("match"));
    const rewrite = string(rr.rewrite, c.at("uriRegexRewrite").at("rewrite")) ?? "";
    if (match !== undefined) uriRegexRewrite = { match, rewrite };
  }
  if (uri !== undefined && uriRegexRewrite !== undefined)
    c.error("must not set both uri and uriRegexRewrite");
  return {
    ...(uri === undefined ? {} : { uri }),
    ...(authority === undefined ? {} : { authority }),
    ...(uriRegexRewrite === undefined ? {} : { uriRegexRewrite }),
  };
}

function checkHttpRoute(v: unknown, c: Check): HttpRoute | undefined {
  const o = requiredObject(v, c, [
    "name",
    "match",
    "route",
    "redirect",
    "directResponse",
    "delegate",
    "rewrite",
    "timeout",
    "retries",
    "fault",
    "mirror",
    "mirrors",
    "mirrorPercentage",
    "mirror_percent",
    "mirrorPercent",
    "corsPolicy",
    "headers",
  ]);
  if (o === undefined) return undefined;
  const name = string(o.name, c.at("name"));
  const match = listOf(o.match, c.at("match"), checkMatch);
  const route = listOf(o.route, c.at("route"), checkRouteDestination);
  if (route.length === 0 && o.redirect == null && o.directResponse == null && o.delegate == null)
    c.at("route").error("is required (at least one destination)");
  if (route.length > 1) {
    const sum = route.reduce((s, r) => s + (r.weight ?? 0), 0);
    if (sum !== 100 && route.every((r) => r.weight !== undefined))
      c.at("route").error(`weights must add up to 100, got ${sum}`);
  }
  if (o.redirect != null || o.directResponse != null || o.delegate != null)
    c.warn(
      "redirect, directResponse and delegate are not supported for proxyless gRPC; the route is skipped",
    );
  if (o.mirror != null || o.mirrors != null)
    c.at("mirror").warn("mirroring is not supported by gRPC; ignored");
  const timeoutMs = duration(o.timeout, c.at("timeout"));
  const retries = checkRetry(o.retries, c.at("retries"));
  const fault = checkFault(o.fault, c.at("fault"));
  const rewrite = checkRewrite(o.rewrite, c.at("rewrite"));
  return {
    ...(name === undefined ? {} : { name }),
    match,
    route,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(retries === undefined ? {} : { retries }),
    ...(fault === undefined ? {} : { fault }),
    ...(rewrite === undefined ? {} : { rewrite }),
  };
}

export function checkVirtualService(spec: unknown, c: Check): VirtualServiceSpec | undefined {
  const o = requiredObject(spec, c, ["hosts", "gateways", "http", "tls", "tcp", "exportTo"]);
  if (o === undefined) return undefined;
  const hosts = stringList(o.hosts, c.at("hosts"));
  if (hosts.length === 0 && !(o.hosts != null && !Array.isArray(o.hosts)))
    c.at("hosts").error("must list at least one host");
  hosts.forEach((h, i) => {
    if (h === "" || /\s/.test(h)) c.at("hosts").at(i).error(`"${h}" is not a valid host name`);
  });
  return {
    hosts,
    gateways: stringList(o.gateways, c.at("gateways")),
    http: listOf(o.http, c.at("http"), checkHttpRoute),
    exportTo: stringList(o.exportTo, c.at("exportTo")),
  };
}
