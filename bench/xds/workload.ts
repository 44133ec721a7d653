// What every xDS benchmark part is made of: one DiscoveryResponse, encoded before each run, in as many
// variants as there are runs. Variants differ in one field of every resource so that the client's store sees a
// change (it skips watchers when a resource's bytes are unchanged) while the work per run stays the same.

import { create, toBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { DiscoveryResponseSchema } from "@dubbo-mesh/xds/gen/envoy/service/discovery/v3/discovery_pb.js";

/** `eds-bare`: the same assignment without per-endpoint metadata, to show what the metadata costs. */
export type PartName = "eds" | "eds-bare" | "cds" | "rds";

export interface Workload {
  readonly part: PartName;
  /** The table's first column: "EDS 10,000 endpoints". */
  readonly title: string;
  /** What the update holds, for the table: "1 ClusterLoadAssignment, 10 x 1,000 endpoints". */
  readonly label: string;
  readonly typeUrl: string;
  /** Names the client watches; the update carries exactly these. */
  readonly names: readonly string[];
  /** Endpoints, clusters or routes: the unit the issue counts in. */
  readonly units: number;
  /**
   * Encodes the DiscoveryResponse of run `variant` (version `v<variant>`, nonce `n<variant>`). Costly
   * (it is the control plane's work): called before a run, never inside the measured step.
   */
  response(variant: number): Uint8Array;
}

/** Encodes the resources of one variant into a DiscoveryResponse; the only encoding a run ever needs. */
export function encodeResponse(typeUrl: string, variant: number, resources: readonly Any[]): Uint8Array {
  return toBinary(
    DiscoveryResponseSchema,
    create(DiscoveryResponseSchema, {
      typeUrl,
      versionInfo: `v${variant}`,
      nonce: `n${variant}`,
      resources: [...resources],
    }),
  );
}
