import { Code } from "./code.js";

/**
 * Code -> HTTP status for Triple unary errors. The Triple spec copies Connect's table; Java differs on a
 * few codes (DEADLINE_EXCEEDED 504, UNIMPLEMENTED 501) but its clients never read this status, they
 * call over gRPC. Connect's table is what curl users, dubbo-js and dubbo-go expect.
 */
const toHttp: Record<Code, number> = {
  [Code.Ok]: 200,
  [Code.Canceled]: 499,
  [Code.Unknown]: 500,
  [Code.InvalidArgument]: 400,
  [Code.DeadlineExceeded]: 504,
  [Code.NotFound]: 404,
  [Code.AlreadyExists]: 409,
  [Code.PermissionDenied]: 403,
  [Code.ResourceExhausted]: 429,
  [Code.FailedPrecondition]: 412,
  [Code.Aborted]: 409,
  [Code.OutOfRange]: 400,
  [Code.Unimplemented]: 501,
  [Code.Internal]: 500,
  [Code.Unavailable]: 503,
  [Code.DataLoss]: 500,
  [Code.Unauthenticated]: 401,
};

export function codeToHttpStatus(code: Code): number {
  return toHttp[code] ?? 500;
}

/** HTTP status -> code when a Triple unary response carries no parsable error body (gRPC's HTTP mapping). */
export function httpStatusToCode(status: number): Code {
  switch (status) {
    case 400:
      return Code.InvalidArgument;
    case 401:
      return Code.Unauthenticated;
    case 403:
      return Code.PermissionDenied;
    case 404:
      return Code.Unimplemented;
    case 408:
      return Code.DeadlineExceeded;
    case 409:
      return Code.Aborted;
    case 412:
      return Code.FailedPrecondition;
    case 413:
    case 429:
      return Code.ResourceExhausted;
    case 415:
      return Code.Internal;
    case 499:
      return Code.Canceled;
    case 501:
      return Code.Unimplemented;
    case 502:
    case 503:
      return Code.Unavailable;
    case 504:
      return Code.DeadlineExceeded;
    default:
      return Code.Unknown;
  }
}
