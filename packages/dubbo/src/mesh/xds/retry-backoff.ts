// A44 / gRFC A6 retry pacing: before retry n (1-based) wait a uniformly random time in
// [0, min(initial x 2^(n-1), max)), so that clients retrying together spread out.
import type { RetryPolicyConfig } from "@dubbo-mesh/xds";

export function backoffMs(policy: RetryPolicyConfig, retry: number, random: () => number): number {
  const cap = Math.min(
    policy.initialBackoffMs * policy.backoffMultiplier ** (retry - 1),
    policy.maxBackoffMs,
  );
  return random() * cap;
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
