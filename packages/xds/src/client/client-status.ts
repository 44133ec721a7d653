// XdsClient.dump(): the client's view of every subscribed resource, the data CSDS serves (gRFC A40).
import type { Any } from "@bufbuild/protobuf/wkt";
import type { ResourceKind } from "../resources/resource-type.js";

/**
 * `requested`: asked for, nothing received yet. `does_not_exist`: deleted by the server or timed out.
 * `acked`: the latest update was valid. `nacked`: the latest update was rejected; `version` and the
 * value are still the last accepted ones.
 */
export type ResourceState = "requested" | "does_not_exist" | "acked" | "nacked";

export interface ResourceStatus {
  readonly kind: ResourceKind;
  /** The Envoy v3 type URL. */
  readonly typeUrl: string;
  readonly name: string;
  /** Version of the accepted value: the response's version_info (SotW) or the resource's (delta). */
  readonly version: string;
  readonly state: ResourceState;
  /** When the accepted value last changed (or the resource was deleted). */
  readonly lastUpdated?: Date;
  /** The last rejection, cleared by the next valid update. */
  readonly lastError?: { readonly message: string; readonly time: Date; readonly version: string };
  /** The accepted resource as received, for CSDS. */
  readonly raw?: Any;
}
