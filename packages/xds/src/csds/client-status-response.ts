// XdsClient.dump() as a CSDS ClientStatusResponse (gRFC A40): one ClientConfig per client, one
// GenericXdsConfig per resource, with the client-side status (REQUESTED / DOES_NOT_EXIST / ACKED /
// NACKED), the accepted resource, and the last rejection in error_state.
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ResourceState } from "../client/client-status.js";
import type { XdsClient } from "../client/xds-client.js";
import { ClientResourceStatus } from "../gen/envoy/admin/v3/config_dump_shared_pb.js";
import {
  type ClientConfig,
  ClientConfigSchema,
  type ClientStatusResponse,
  ClientStatusResponseSchema,
} from "../gen/envoy/service/status/v3/csds_pb.js";

const statusOf: Readonly<Record<ResourceState, ClientResourceStatus>> = {
  requested: ClientResourceStatus.REQUESTED,
  does_not_exist: ClientResourceStatus.DOES_NOT_EXIST,
  acked: ClientResourceStatus.ACKED,
  nacked: ClientResourceStatus.NACKED,
};

export interface ClientConfigOptions {
  /** Leave the resources out (ClientStatusRequest.exclude_resource_contents). */
  readonly excludeResourceContents?: boolean;
}

export function clientConfigOf(client: XdsClient, options: ClientConfigOptions = {}): ClientConfig {
  return create(ClientConfigSchema, {
    node: client.node,
    genericXdsConfigs: client.dump().map((r) => ({
      typeUrl: r.typeUrl,
      name: r.name,
      versionInfo: r.version,
      ...(r.raw === undefined || options.excludeResourceContents === true ? {} : { xdsConfig: r.raw }),
      ...(r.lastUpdated === undefined ? {} : { lastUpdated: timestampFromDate(r.lastUpdated) }),
      clientStatus: statusOf[r.state],
      ...(r.lastError === undefined
        ? {}
        : {
            errorState: {
              lastUpdateAttempt: timestampFromDate(r.lastError.time),
              details: r.lastError.message,
              versionInfo: r.lastError.version,
            },
          }),
    })),
  });
}

export function clientStatusResponse(
  clients: readonly XdsClient[],
  options: ClientConfigOptions = {},
): ClientStatusResponse {
  return create(ClientStatusResponseSchema, {
    config: clients.filter((c) => !c.closed).map((c) => clientConfigOf(c, options)),
  });
}
