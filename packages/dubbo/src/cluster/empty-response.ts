import { Metadata, type UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../client/invocation.js";

/** The response failsafe and failback give the caller instead of an error. */
export function emptyResponse(invocation: Invocation): UnaryResponse {
  return {
    stream: false,
    header: new Metadata(),
    message: invocation.emptyResult(),
    trailer: new Metadata(),
  };
}
