import { Dubbo2Error, Status } from "@dubbo-mesh/dubbo2";
import { Code, RpcError } from "@dubbo-mesh/triple";

/**
 * A failed Dubbo2 call as the SDK's RpcError, so that cluster strategies, retries and interceptors
 * treat both protocols alike. The codes follow what the status says about whether the method ran:
 * connection failures are UNAVAILABLE (retried, and the endpoint is avoided for a while), a missing
 * service UNIMPLEMENTED (retried elsewhere), a method that threw UNKNOWN with the decoded Java
 * exception as `cause` (retried only for idempotent methods, like any server failure).
 */
export function dubbo2RpcError(error: unknown, signal: AbortSignal | undefined): RpcError {
  if (error instanceof RpcError) return error;
  if (!(error instanceof Dubbo2Error)) return RpcError.from(error, Code.Internal);
  if (error.isBusinessException) {
    const e = error.exception;
    const text = e === undefined ? error.message : `${e.className}: ${e.message}`;
    return new RpcError(Code.Unknown, text, { cause: e ?? error.exceptionValue });
  }
  return new RpcError(codeOf(error.status, signal), `${error.statusName}: ${error.message}`, {
    cause: error,
  });
}

function codeOf(status: number, signal: AbortSignal | undefined): Code {
  switch (status) {
    case Status.CLIENT_TIMEOUT:
    case Status.SERVER_TIMEOUT:
      return Code.DeadlineExceeded;
    case Status.CHANNEL_INACTIVE:
      return Code.Unavailable;
    case Status.SERVICE_NOT_FOUND:
      return Code.Unimplemented;
    // Dubbo Java answers an unknown method (a descriptor it cannot resolve) with BAD_REQUEST too.
    case Status.BAD_REQUEST:
      return Code.InvalidArgument;
    case Status.SERVICE_ERROR:
      return Code.Unknown;
    case Status.SERVER_THREADPOOL_EXHAUSTED_ERROR:
      return Code.ResourceExhausted;
    case Status.CLIENT_ERROR:
      // The client reports a call cancelled through its signal as CLIENT_ERROR.
      return signal?.aborted === true ? Code.Canceled : Code.Internal;
    default: // SERIALIZATION_ERROR, BAD_RESPONSE, SERVER_ERROR, unknown statuses
      return Code.Internal;
  }
}
