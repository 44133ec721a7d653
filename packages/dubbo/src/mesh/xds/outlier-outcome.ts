// How an attempt's gRPC status counts for outlier detection. Envoy's detectors read HTTP statuses;
// for gRPC upstreams its router maps the grpc-status to one first (Grpc::Utility::grpcToHttpStatus)
// and reports that, and a connection that could not be made counts as a gateway error (local-origin
// errors are not split out by default). So, with Envoy's mapping:
//
//   status               HTTP   5xx-class (consecutive_5xx, success rate)   gateway (consecutive_gateway_failure)
//   UNAVAILABLE          503    yes                                          yes  (also: connection refused/reset)
//   DEADLINE_EXCEEDED    504    yes                                          yes
//   UNKNOWN, INTERNAL,   500    yes                                          no
//   DATA_LOSS
//   UNIMPLEMENTED        501    yes                                          no
//   everything else      4xx    no: the application's answer, a success for the detectors
//   OK                   200    no
//
// gRPC's own outlier detection (A50) counts every non-OK status as a failure; here the success-rate
// and failure-percentage algorithms count the 5xx class as Envoy does, so that a provider answering
// INVALID_ARGUMENT or NOT_FOUND to bad requests is not taken for a broken one. CANCELLED is the
// caller's own doing and is not counted at all (see `countsForOutliers`).
import { Code } from "@dubbo-mesh/triple";

/** The statuses Envoy maps to an HTTP 5xx. */
export function isServerError(code: Code): boolean {
  switch (code) {
    case Code.Unavailable:
    case Code.DeadlineExceeded:
    case Code.Unknown:
    case Code.Internal:
    case Code.DataLoss:
    case Code.Unimplemented:
      return true;
    default:
      return false;
  }
}

/** 502/503/504: the endpoint could not be reached or did not answer in time. */
export function isGatewayFailure(code: Code): boolean {
  return code === Code.Unavailable || code === Code.DeadlineExceeded;
}

/** Whether an attempt that ended with `code` says anything about the endpoint. */
export function countsForOutliers(code: Code): boolean {
  return code !== Code.Canceled;
}
