/**
 * gRPC status codes. Triple, gRPC, Connect and Dubbo Java/Go all use these numbers on the wire
 * (`grpc-status`), so they are the one vocabulary for errors in the whole project.
 */
export const Code = {
  Ok: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type Code = (typeof Code)[keyof typeof Code];

/** snake_case names, as Connect and dubbo-go write them in JSON error bodies (`"code": "invalid_argument"`). */
const snakeNames: readonly string[] = [
  "ok",
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
];

export function codeToString(code: Code): string {
  return snakeNames[code] ?? `code_${code}`;
}

/** Accepts a number, a numeric string, snake_case or UPPER_CASE (gRPC's spelling), and "cancelled". */
export function parseCode(value: unknown): Code | undefined {
  if (typeof value === "number") return isCode(value) ? value : undefined;
  if (typeof value !== "string" || value === "") return undefined;
  if (/^\d+$/.test(value)) return parseCode(Number(value));
  const lower = value.toLowerCase();
  const idx = snakeNames.indexOf(lower === "cancelled" ? "canceled" : lower);
  return idx >= 0 ? (idx as Code) : undefined;
}

export function isCode(value: number): value is Code {
  return Number.isInteger(value) && value >= 0 && value <= 16;
}
