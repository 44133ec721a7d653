// Reading the `Any`-typed extension configs xDS is full of (HTTP filters, transport sockets, LB
// policies, cluster types). Two indirections are undone here so callers only see the real type:
// - `udpa.type.v1.TypedStruct` / `xds.type.v3.TypedStruct`, which carry the config as JSON (a Struct)
//   next to the real type URL (A39, A52);
// - the Dubbo control plane's renamed packages (see ../type-urls.ts).
import {
  createRegistry,
  type DescMessage,
  fromBinary,
  fromJson,
  type JsonObject,
  type MessageShape,
} from "@bufbuild/protobuf";
import type { Any } from "@bufbuild/protobuf/wkt";
import { ClusterSchema } from "../../gen/envoy/config/cluster/v3/cluster_pb.js";
import { ClusterLoadAssignmentSchema } from "../../gen/envoy/config/endpoint/v3/endpoint_pb.js";
import { ListenerSchema } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { FilterConfigSchema } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { RouteConfigurationSchema } from "../../gen/envoy/config/route/v3/route_pb.js";
import { ClusterConfigSchema } from "../../gen/envoy/extensions/clusters/aggregate/v3/cluster_pb.js";
import { HTTPFaultSchema } from "../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js";
import { RBACPerRouteSchema, RBACSchema } from "../../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import { RouterSchema } from "../../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { ClientSideWeightedRoundRobinSchema } from "../../gen/envoy/extensions/load_balancing_policies/client_side_weighted_round_robin/v3/client_side_weighted_round_robin_pb.js";
import { LeastRequestSchema } from "../../gen/envoy/extensions/load_balancing_policies/least_request/v3/least_request_pb.js";
import { PickFirstSchema } from "../../gen/envoy/extensions/load_balancing_policies/pick_first/v3/pick_first_pb.js";
import { RingHashSchema } from "../../gen/envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash_pb.js";
import { RoundRobinSchema } from "../../gen/envoy/extensions/load_balancing_policies/round_robin/v3/round_robin_pb.js";
import { WrrLocalitySchema } from "../../gen/envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality_pb.js";
import {
  DownstreamTlsContextSchema,
  UpstreamTlsContextSchema,
} from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { ResourceSchema } from "../../gen/envoy/service/discovery/v3/discovery_pb.js";
import { TypedStructSchema as UdpaTypedStructSchema } from "../../gen/udpa/type/v1/typed_struct_pb.js";
import { TypedStructSchema as XdsTypedStructSchema } from "../../gen/xds/type/v3/typed_struct_pb.js";
import { canonicalTypeName, TypeName } from "../type-urls.js";
import type { FieldErrors } from "../validation.js";

// Lets fromJson resolve `@type` inside TypedStruct JSON for every config we understand.
const registry = createRegistry(
  ListenerSchema,
  RouteConfigurationSchema,
  ClusterSchema,
  ClusterLoadAssignmentSchema,
  ResourceSchema,
  HttpConnectionManagerSchema,
  RouterSchema,
  HTTPFaultSchema,
  RBACSchema,
  RBACPerRouteSchema,
  FilterConfigSchema,
  UpstreamTlsContextSchema,
  DownstreamTlsContextSchema,
  ClusterConfigSchema,
  RoundRobinSchema,
  LeastRequestSchema,
  RingHashSchema,
  WrrLocalitySchema,
  PickFirstSchema,
  ClientSideWeightedRoundRobinSchema,
  UdpaTypedStructSchema,
  XdsTypedStructSchema,
);

/** An extension config with wrappers removed: its real type name and its encoded body. */
export type ExtensionConfig =
  | { readonly typeName: string; readonly binary: Uint8Array }
  | { readonly typeName: string; readonly json: JsonObject };

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Looks through TypedStruct and type-URL aliases; undefined (with an error) if the wrapper is broken. */
export function unwrapExtension(any: Any, errors: FieldErrors): ExtensionConfig | undefined {
  const name = canonicalTypeName(any.typeUrl);
  if (name !== TypeName.udpaTypedStruct && name !== TypeName.xdsTypedStruct) {
    return { typeName: name, binary: any.value };
  }
  const schema = name === TypeName.udpaTypedStruct ? UdpaTypedStructSchema : XdsTypedStructSchema;
  let typedStruct: MessageShape<typeof schema>;
  try {
    typedStruct = fromBinary(schema, any.value);
  } catch (e) {
    errors.add(`cannot decode ${name}: ${message(e)}`);
    return undefined;
  }
  if (typedStruct.typeUrl === "") {
    errors.add(`${name}.type_url is empty`);
    return undefined;
  }
  return { typeName: canonicalTypeName(typedStruct.typeUrl), json: typedStruct.value ?? {} };
}

/** Decodes an unwrapped extension config as `schema`; undefined (with an error) if it does not parse. */
export function decodeExtension<Desc extends DescMessage>(
  schema: Desc,
  config: ExtensionConfig,
  errors: FieldErrors,
): MessageShape<Desc> | undefined {
  try {
    if ("json" in config) return fromJson(schema, config.json, { registry, ignoreUnknownFields: true });
    return fromBinary(schema, config.binary);
  } catch (e) {
    errors.add(`cannot decode ${schema.typeName}: ${message(e)}`);
    return undefined;
  }
}

/**
 * Unpacks `any` when it holds `schema` (possibly aliased or TypedStruct-wrapped). Records an error and
 * returns undefined when it holds something else or does not decode.
 */
export function unpackExtension<Desc extends DescMessage>(
  any: Any,
  schema: Desc,
  errors: FieldErrors,
): MessageShape<Desc> | undefined {
  const config = unwrapExtension(any, errors);
  if (config === undefined) return undefined;
  if (config.typeName !== schema.typeName) {
    errors.add(`expected ${schema.typeName}, got ${config.typeName}`);
    return undefined;
  }
  return decodeExtension(schema, config, errors);
}
