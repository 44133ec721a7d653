import { H } from "./headers.js";

const unitMs: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/** Parses `grpc-timeout` (at most 8 digits and a unit). Returns milliseconds, or undefined if malformed. */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const len = value.length;
  if (len < 2 || len > 9) return undefined;
  const factor = unitMs[value[len - 1]];
  if (factor === undefined) return undefined;
  let n = 0;
  for (let i = 0; i < len - 1; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n * factor;
}

/** Formats milliseconds as `grpc-timeout`, choosing the finest unit that fits in 8 digits. */
export function formatGrpcTimeout(ms: number): string {
  const t = Math.max(0, Math.ceil(ms));
  if (t < 1e5) return `${Math.round(t * 1000)}u`;
  if (t < 1e8) return `${t}m`;
  if (t < 1e11) return `${Math.ceil(t / 1000)}S`;
  if (t < 6e12) return `${Math.ceil(t / 60_000)}M`;
  return `${Math.min(99_999_999, Math.ceil(t / 3_600_000))}H`;
}

function parseMs(value: string | string[] | undefined): number | undefined {
  if (typeof value !== "string" || !/^\d{1,10}$/.test(value)) return undefined;
  return Number(value);
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * The deadline a request asks for, in ms from now: `grpc-timeout`, then the Triple spellings peers send
 * (`tri-service-timeout` from Java and dubbo-js, `triple-timeout-ms` from dubbo-go, `connect-timeout-ms`).
 * Node lower-cases incoming header names, so `TRI-Service-Timeout` arrives as `tri-service-timeout`.
 */
export function requestTimeoutMs(headers: HeaderBag): number | undefined {
  const grpc = headers[H.grpcTimeout];
  if (typeof grpc === "string") return parseGrpcTimeout(grpc);
  return (
    parseMs(headers[H.triServiceTimeout]) ??
    parseMs(headers[H.tripleTimeoutMs]) ??
    parseMs(headers[H.connectTimeoutMs])
  );
}
