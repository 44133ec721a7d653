// All resource types by type URL, including the Dubbo control plane's aliases, and a one-call decoder
// for the Any values of a DiscoveryResponse.
import { fromBinary } from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ResourceSchema } from "../gen/envoy/service/discovery/v3/discovery_pb.js";
import { clusterType } from "./cluster/cluster-type.js";
import type { ValidatedCluster } from "./cluster/types.js";
import { clusterLoadAssignmentType } from "./cluster-load-assignment/cluster-load-assignment-type.js";
import type { ValidatedClusterLoadAssignment } from "./cluster-load-assignment/types.js";
import { listenerType } from "./listener/listener-type.js";
import type { ValidatedListener } from "./listener/types.js";
import { parseXdstpName } from "./resource-name.js";
import type { ResourceKind, ValidationContext } from "./resource-type.js";
import { routeConfigurationType } from "./route-configuration/route-configuration-type.js";
import type { ValidatedRouteConfiguration } from "./route-configuration/types.js";
import { canonicalTypeName, TypeName } from "./type-urls.js";

export interface ResourceValues {
  Listener: ValidatedListener;
  RouteConfiguration: ValidatedRouteConfiguration;
  Cluster: ValidatedCluster;
  ClusterLoadAssignment: ValidatedClusterLoadAssignment;
}

export type AnyResourceType =
  | typeof listenerType
  | typeof routeConfigurationType
  | typeof clusterType
  | typeof clusterLoadAssignmentType;

const allTypes: readonly AnyResourceType[] = [
  listenerType,
  routeConfigurationType,
  clusterType,
  clusterLoadAssignmentType,
];

/** Every accepted type URL (Envoy v3 and Dubbo control plane aliases) -> its resource type. */
export const resourceTypes: ReadonlyMap<string, AnyResourceType> = new Map(
  allTypes.flatMap((t) => t.acceptedTypeUrls.map((url) => [url, t] as const)),
);

/** The resource type for a type URL, through aliases; undefined for types we do not handle. */
export function resourceTypeFor(typeUrl: string): AnyResourceType | undefined {
  const direct = resourceTypes.get(typeUrl);
  if (direct !== undefined) return direct;
  const name = canonicalTypeName(typeUrl);
  return allTypes.find((t) => t.schema.typeName === name);
}

export type DecodedResource =
  | {
      [K in ResourceKind]: {
        readonly ok: true;
        readonly kind: K;
        readonly name: string;
        readonly value: ResourceValues[K];
      };
    }[ResourceKind]
  | {
      readonly ok: false;
      readonly kind?: ResourceKind;
      /** Known whenever the bytes decoded far enough, so a NACK can name the resource (A46). */
      readonly name?: string;
      readonly errors: readonly string[];
    };

export interface DecodeOptions {
  /** The response's type URL; a resource of another type in it is an error. */
  readonly expectedTypeUrl?: string;
  readonly context?: ValidationContext;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Decodes and validates one resource of a DiscoveryResponse. Accepts the resource itself or an
 * `envoy.service.discovery.v3.Resource` wrapper (whose name then wins).
 */
export function decodeResource(any: Any, options: DecodeOptions = {}): DecodedResource {
  let inner = any;
  let wrapperName: string | undefined;
  if (canonicalTypeName(any.typeUrl) === TypeName.discoveryResource) {
    try {
      const wrapper = fromBinary(ResourceSchema, any.value);
      if (wrapper.resource === undefined) {
        return {
          ok: false,
          name: wrapper.name,
          errors: [`Resource ${JSON.stringify(wrapper.name)}: resource is not set`],
        };
      }
      inner = wrapper.resource;
      wrapperName = wrapper.name === "" ? undefined : wrapper.name;
    } catch (e) {
      return { ok: false, errors: [`cannot decode ${TypeName.discoveryResource}: ${message(e)}`] };
    }
  }
  const type = resourceTypeFor(inner.typeUrl);
  if (type === undefined) return { ok: false, errors: [`unsupported resource type ${inner.typeUrl}`] };
  if (options.expectedTypeUrl !== undefined && resourceTypeFor(options.expectedTypeUrl) !== type) {
    return {
      ok: false,
      kind: type.kind,
      errors: [`a ${type.kind} in a response for ${options.expectedTypeUrl}`],
    };
  }
  const { name: innerName, result } = type.parse(inner.value, options.context);
  const name = wrapperName ?? innerName;
  if (!result.ok)
    return { ok: false, kind: type.kind, ...(name === undefined ? {} : { name }), errors: result.errors };
  const xdstp = name === undefined ? undefined : parseXdstpName(name);
  if (xdstp !== undefined && canonicalTypeName(xdstp.typeName) !== type.schema.typeName) {
    return {
      ok: false,
      kind: type.kind,
      name,
      errors: [`${type.kind} ${JSON.stringify(name)}: xdstp name is for ${xdstp.typeName}`],
    };
  }
  // `type.kind` and `result.value` come from the same resource type; TypeScript cannot see that.
  return { ok: true, kind: type.kind, name: name ?? "", value: result.value } as DecodedResource;
}
