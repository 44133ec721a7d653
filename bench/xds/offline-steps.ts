// The two steps that need no network: the bytes of a DiscoveryResponse to protobuf-es messages
// (decode only), and to validated, frozen values through the client's own decodeResource
// (decode + validate), as the ADS session does for every response.

import { fromBinary } from "@bufbuild/protobuf";
import {
  type DecodedResource,
  decodeResource,
  resourceTypeFor,
  type ValidationContext,
} from "@dubbo-mesh/xds";
import { DiscoveryResponseSchema } from "@dubbo-mesh/xds/gen/envoy/service/discovery/v3/discovery_pb.js";

/** The decoded resource messages (held by the caller so that the retained size counts them). */
export function decodeOnly(bytes: Uint8Array): unknown[] {
  const response = fromBinary(DiscoveryResponseSchema, bytes);
  const type = resourceTypeFor(response.typeUrl);
  if (type === undefined) throw new Error(`no resource type for ${response.typeUrl}`);
  return response.resources.map((any) => type.decode(any.value));
}

export function decodeAndValidate(bytes: Uint8Array, context: ValidationContext): DecodedResource[] {
  const response = fromBinary(DiscoveryResponseSchema, bytes);
  return response.resources.map((any) => decodeResource(any, { expectedTypeUrl: response.typeUrl, context }));
}

/** Fails loudly before anything is measured: timing a NACK path would be timing the wrong thing. */
export function assertAllValid(results: readonly DecodedResource[], count: number): void {
  if (results.length !== count) throw new Error(`expected ${count} resources, decoded ${results.length}`);
  for (const r of results) {
    if (!r.ok) throw new Error(`fixture resource ${r.name ?? "?"} is invalid: ${r.errors.join("; ")}`);
  }
}
