// google.protobuf.Duration -> milliseconds. xDS carries every timeout and interval as a Duration; the SDK
// works with plain millisecond numbers.
import type { Duration } from "@bufbuild/protobuf/wkt";
import type { FieldErrors } from "../validation.js";

/** The largest Duration protobuf allows (10,000 years), from duration.proto. */
const MAX_SECONDS = 315_576_000_000n;

export function durationToMs(duration: Duration): number {
  return Number(duration.seconds) * 1000 + Math.floor(duration.nanos / 1_000_000);
}

/**
 * A non-negative, well-formed Duration in milliseconds, or undefined (with an error) when it is not.
 * Negative timeouts and intervals mean nothing to gRPC, so they are rejected rather than clamped.
 */
export function nonNegativeMs(duration: Duration, errors: FieldErrors): number | undefined {
  if (duration.seconds < 0n || duration.nanos < 0) {
    errors.add("must not be negative");
    return undefined;
  }
  if (duration.seconds > MAX_SECONDS || duration.nanos > 999_999_999) {
    errors.add("out of range for google.protobuf.Duration");
    return undefined;
  }
  return durationToMs(duration);
}
