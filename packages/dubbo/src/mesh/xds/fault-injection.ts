// The Fault HTTP filter on the client (A33): per call, maybe a delay, then maybe an abort, as the
// listener's filter says unless the weighted cluster, route or virtual host override it.

import { Code, RpcError } from "@dubbo-mesh/triple";
import type { CallAttributes } from "@dubbo-mesh/xds";
import {
  type FaultConfig,
  type FilterOverrides,
  fractionHits,
  grpcCodeForHttpStatus,
  type HttpFilterConfig,
  matchHeader,
} from "@dubbo-mesh/xds";

/** What the fault filter decided for one call. */
export interface FaultDecision {
  readonly delayMs: number;
  readonly abort: RpcError | undefined;
}

const NO_FAULT: FaultDecision = { delayMs: 0, abort: undefined };

/**
 * The fault config in force for a call: the most specific override (weighted cluster, route, virtual
 * host, route configuration) of the listener's enabled fault filter; undefined when none applies.
 */
export function faultConfigFor(
  filters: readonly HttpFilterConfig[],
  overrides: readonly (FilterOverrides | undefined)[],
): FaultConfig | undefined {
  for (const f of filters) {
    if (f.kind !== "fault") continue;
    let config: FaultConfig | undefined = f.disabled ? undefined : f.config;
    for (const level of overrides) {
      const o = level?.[f.name];
      if (o === undefined) continue;
      config = o.kind === "fault" ? o.config : o.kind === "disabled" ? undefined : config;
      break;
    }
    if (config !== undefined) return config;
  }
  return undefined;
}

/** Counts faults in progress, for max_active_faults. */
export class ActiveFaults {
  count = 0;
}

function headerNumber(call: CallAttributes, name: string): number | undefined {
  const v = call.header(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export function decideFault(
  config: FaultConfig,
  call: CallAttributes,
  random: () => number,
  active: ActiveFaults,
): FaultDecision {
  for (const h of config.headers) if (!matchHeader(h, call.header(h.name))) return NO_FAULT;
  if (config.maxActiveFaults !== undefined && active.count >= config.maxActiveFaults) return NO_FAULT;
  let delayMs = 0;
  const d = config.delay;
  if (d !== undefined && fractionHits(d.percentage, random)) {
    delayMs = d.kind === "fixed" ? d.delayMs : (headerNumber(call, "x-envoy-fault-delay-request") ?? 0);
  }
  let abort: RpcError | undefined;
  const a = config.abort;
  if (a !== undefined && fractionHits(a.percentage, random)) {
    let code: number | undefined;
    if (a.kind === "status") code = a.code;
    else {
      code = headerNumber(call, "x-envoy-fault-abort-grpc-request");
      if (code === undefined) {
        const http = headerNumber(call, "x-envoy-fault-abort-request");
        if (http !== undefined) code = grpcCodeForHttpStatus(http);
      }
    }
    if (code !== undefined && code !== Code.Ok)
      abort = new RpcError(code as Code, "RPC terminated due to fault injection");
  }
  return delayMs === 0 && abort === undefined ? NO_FAULT : { delayMs, abort };
}
