// envoy.extensions.filters.http.fault.v3.HTTPFault -> FaultConfig (A33). Used as the top-level filter
// config and as a per-route override. istiod always installs an empty HTTPFault before the router in
// outbound listeners, so the empty config must parse to "no fault".
import type { HTTPFault } from "../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js";
import type { FractionalPercent } from "../../gen/envoy/type/v3/percent_pb.js";
import { nonNegativeMs } from "../common/duration.js";
import { type Fraction, fractionFrom } from "../common/fraction.js";
import { type HeaderMatcherConfig, headerMatcherFrom } from "../common/header-matcher.js";
import type { FieldErrors } from "../validation.js";
import type { FaultAbort, FaultConfig, FaultDelay } from "./types.js";

/** gRPC's HTTP-status-to-code mapping (doc/http-grpc-status-mapping.md), which A33 applies to aborts. */
export function grpcCodeForHttpStatus(status: number): number {
  switch (status) {
    case 400:
      return 13; // INTERNAL
    case 401:
      return 16; // UNAUTHENTICATED
    case 403:
      return 7; // PERMISSION_DENIED
    case 404:
      return 12; // UNIMPLEMENTED
    case 429:
    case 502:
    case 503:
    case 504:
      return 14; // UNAVAILABLE
    default:
      return 2; // UNKNOWN
  }
}

// An unset percentage is a zero FractionalPercent in Envoy, i.e. the fault never fires.
function percentage(p: FractionalPercent | undefined, errors: FieldErrors): Fraction | undefined {
  return p === undefined ? { numerator: 0, denominator: 100 } : fractionFrom(p, errors.at("percentage"));
}

function delayFrom(fault: HTTPFault, errors: FieldErrors): FaultDelay | undefined {
  const d = fault.delay;
  if (d === undefined) return undefined;
  const at = errors.at("delay");
  const pct = percentage(d.percentage, at);
  if (pct === undefined) return undefined;
  switch (d.faultDelaySecifier.case) {
    case "fixedDelay": {
      const delayMs = nonNegativeMs(d.faultDelaySecifier.value, at.at("fixed_delay"));
      return delayMs === undefined ? undefined : { kind: "fixed", delayMs, percentage: pct };
    }
    case "headerDelay":
      return { kind: "header", percentage: pct };
    default:
      at.add("neither fixed_delay nor header_delay is set");
      return undefined;
  }
}

function abortFrom(fault: HTTPFault, errors: FieldErrors): FaultAbort | undefined {
  const a = fault.abort;
  if (a === undefined) return undefined;
  const at = errors.at("abort");
  const pct = percentage(a.percentage, at);
  if (pct === undefined) return undefined;
  switch (a.errorType.case) {
    case "httpStatus": {
      const status = a.errorType.value;
      if (status < 200 || status >= 600) {
        at.at("http_status").add(`${status} is not an HTTP status in [200, 600)`);
        return undefined;
      }
      return { kind: "status", code: grpcCodeForHttpStatus(status), httpStatus: status, percentage: pct };
    }
    case "grpcStatus":
      return { kind: "status", code: a.errorType.value, percentage: pct };
    case "headerAbort":
      return { kind: "header", percentage: pct };
    default:
      at.add("none of http_status, grpc_status, header_abort is set");
      return undefined;
  }
}

/** upstream_cluster, downstream_nodes and response_rate_limit do not apply to gRPC and are ignored. */
export function faultFrom(fault: HTTPFault, errors: FieldErrors): FaultConfig | undefined {
  const before = errors.count;
  const delay = delayFrom(fault, errors);
  const abort = abortFrom(fault, errors);
  const headers: HeaderMatcherConfig[] = [];
  fault.headers.forEach((h, i) => {
    const m = headerMatcherFrom(h, errors.at("headers").at(i));
    if (m !== undefined) headers.push(m);
  });
  if (errors.count !== before) return undefined;
  return {
    ...(delay === undefined ? {} : { delay }),
    ...(abort === undefined ? {} : { abort }),
    ...(fault.maxActiveFaults === undefined ? {} : { maxActiveFaults: fault.maxActiveFaults }),
    headers,
  };
}
