// Building typed config for Any fields (filters, TLS contexts, LB policies).
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { type Any, anyPack, type Duration } from "@bufbuild/protobuf/wkt";

export function pack<Desc extends DescMessage>(schema: Desc, init: MessageInitShape<Desc>): Any {
  return anyPack(schema, create(schema, init));
}

/** protobuf Duration init from milliseconds. */
export function durationMs(ms: number): Omit<Duration, "$typeName"> & { $typeName?: never } {
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1e6) } as never;
}

/** The ADS config source every resource points its dependencies at. */
export const ADS_SOURCE = {
  configSourceSpecifier: { case: "ads" as const, value: {} },
  resourceApiVersion: 2, // V3
};
