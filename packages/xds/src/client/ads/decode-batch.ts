// Decoding and validating the resources of one response into the store's DecodedBatch. Both protocols
// go through here so that a resource is judged the same way whichever way it came.
import type { Any } from "@bufbuild/protobuf/wkt";
import { decodeResource } from "../../resources/registry.js";
import type { ValidationContext } from "../../resources/resource-type.js";
import type { AcceptedResource, RejectedResource } from "../resource-store.js";

export interface Received {
  readonly any: Any;
  /** The version to record for it: the response's (SotW) or the resource's own (delta). */
  readonly version: string;
  /** Delta: the name in the Resource wrapper, which wins over the one inside. */
  readonly name?: string;
}

export function decodeReceived(
  typeUrl: string,
  received: readonly Received[],
  validation: ValidationContext,
): { accepted: AcceptedResource[]; rejected: RejectedResource[] } {
  const accepted: AcceptedResource[] = [];
  const rejected: RejectedResource[] = [];
  for (const r of received) {
    const d = decodeResource(r.any, { expectedTypeUrl: typeUrl, context: validation });
    const name = r.name !== undefined && r.name !== "" ? r.name : d.name;
    if (d.ok) accepted.push({ name: name ?? d.name, value: d.value, raw: r.any, version: r.version });
    else rejected.push(name === undefined ? { errors: d.errors } : { name, errors: d.errors });
  }
  return { accepted, rejected };
}
