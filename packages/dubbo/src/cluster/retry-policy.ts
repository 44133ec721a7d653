import { Code, RpcError } from "@dubbo-mesh/triple";

/**
 * Whether another attempt is safe after `error`.
 *
 * Dubbo's failover retries every non-business failure, timeouts included, which runs non-idempotent
 * writes twice. Here the rule is the gRPC one: UNAVAILABLE (connection refused or reset, GOAWAY,
 * provider draining) and UNIMPLEMENTED (this provider does not serve the group/version) mean the
 * request did not run, so they are always retried. DEADLINE_EXCEEDED and server-side failures
 * (UNKNOWN, INTERNAL, RESOURCE_EXHAUSTED, ABORTED) may have run it: retried only for methods marked
 * idempotent. Everything else is the application's answer and is returned as is; a cancelled call is
 * never retried.
 */
export function isRetryable(error: unknown, idempotent: boolean): boolean {
  if (!(error instanceof RpcError)) return false;
  switch (error.code) {
    case Code.Unavailable:
    case Code.Unimplemented:
      return true;
    case Code.DeadlineExceeded:
    case Code.Unknown:
    case Code.Internal:
    case Code.ResourceExhausted:
    case Code.Aborted:
      return idempotent;
    default:
      return false;
  }
}

/** True when the error says the endpoint could not be reached at all (for availability tracking). */
export function isUnreachable(error: unknown): boolean {
  return error instanceof RpcError && error.code === Code.Unavailable;
}
