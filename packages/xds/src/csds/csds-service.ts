// envoy.service.status.v3.ClientStatusDiscoveryService for a process's xDS client(s), to register on
// a Triple server: `server.register(ClientStatusDiscoveryService, csdsImpl(client))`. Tools such as
// grpcdebug and istioctl's proxy-status read it. Node matchers in the request are ignored: a client
// only ever reports itself, as grpc-go's and grpc-java's CSDS services do.
import type { ServiceImpl } from "@dubbo-mesh/triple";
import type { XdsClient } from "../client/xds-client.js";
import type {
  ClientStatusDiscoveryService,
  ClientStatusRequest,
  ClientStatusResponse,
} from "../gen/envoy/service/status/v3/csds_pb.js";
import { clientStatusResponse } from "./client-status-response.js";

/** The clients to report: fixed, or looked up at every request (e.g. every shared client). */
export type CsdsSource = XdsClient | readonly XdsClient[] | (() => readonly XdsClient[]);

export function csdsImpl(source: CsdsSource): ServiceImpl<typeof ClientStatusDiscoveryService> {
  const clients = (): readonly XdsClient[] =>
    typeof source === "function" ? source() : Array.isArray(source) ? source : [source as XdsClient];
  const answer = (request: ClientStatusRequest): ClientStatusResponse =>
    clientStatusResponse(clients(), { excludeResourceContents: request.excludeResourceContents });
  return {
    fetchClientStatus: (request) => answer(request),
    async *streamClientStatus(requests) {
      for await (const request of requests) yield answer(request);
    },
  };
}
