// The shape of a resource type (grpc-go's xdsresource idea): decode bytes, name the resource, validate
// it into a plain frozen object. Watchers only ever see validated values.
import { type DescMessage, fromBinary, type MessageShape } from "@bufbuild/protobuf";
import { deepFreeze } from "./deep-freeze.js";
import { type KnownTypeName, typeUrlOf } from "./type-urls.js";
import { FieldErrors, type Validated } from "./validation.js";

export type ResourceKind = "Listener" | "RouteConfiguration" | "Cluster" | "ClusterLoadAssignment";

/** Facts from outside the resource that validation may use. */
export interface ValidationContext {
  /**
   * Names of the bootstrap's `certificate_providers`. When given, TLS settings that name another
   * instance are errors (as A29 requires); when absent, names are not checked.
   */
  readonly certificateProviders?: ReadonlySet<string>;
}

export interface XdsResourceType<Desc extends DescMessage, V> {
  readonly kind: ResourceKind;
  /** The Envoy v3 type URL, used in requests. */
  readonly typeUrl: string;
  /** Every type URL a response may carry for this type (the v3 one and the Dubbo control plane's). */
  readonly acceptedTypeUrls: readonly string[];
  readonly schema: Desc;
  /**
   * SotW responses for LDS and CDS list every subscribed resource, so a missing one was deleted
   * (unless the server has `ignore_resource_deletion`, A53); RDS and EDS responses need not.
   */
  readonly allResourcesRequiredInSotW: boolean;
  /** Decodes the `value` bytes of an Any; throws on malformed input. */
  decode(value: Uint8Array): MessageShape<Desc>;
  nameOf(message: MessageShape<Desc>): string;
  /** Every error names the resource and the field, e.g. `Cluster "c": lb_policy: ...`. */
  validate(message: MessageShape<Desc>, context?: ValidationContext): Validated<V>;
  /** decode + nameOf + validate, never throwing; `name` is absent when the bytes do not decode. */
  parse(
    value: Uint8Array,
    context?: ValidationContext,
  ): { readonly name?: string; readonly result: Validated<V> };
}

interface ResourceTypeSpec<Desc extends DescMessage, V> {
  readonly kind: ResourceKind;
  readonly typeName: KnownTypeName;
  readonly aliasTypeUrls: readonly string[];
  readonly schema: Desc;
  readonly allResourcesRequiredInSotW: boolean;
  nameOf(message: MessageShape<Desc>): string;
  /** Builds the value, recording problems in `errors`; the value is discarded if any were recorded. */
  check(message: MessageShape<Desc>, errors: FieldErrors, context: ValidationContext): V;
}

export function defineResourceType<Desc extends DescMessage, V>(
  spec: ResourceTypeSpec<Desc, V>,
): XdsResourceType<Desc, V> {
  const typeUrl = typeUrlOf(spec.typeName);
  const type: XdsResourceType<Desc, V> = {
    kind: spec.kind,
    typeUrl,
    acceptedTypeUrls: Object.freeze([typeUrl, ...spec.aliasTypeUrls]),
    schema: spec.schema,
    allResourcesRequiredInSotW: spec.allResourcesRequiredInSotW,
    decode: (value: Uint8Array) => fromBinary(spec.schema, value),
    nameOf: spec.nameOf,
    validate(message: MessageShape<Desc>, context: ValidationContext = {}): Validated<V> {
      const errors = new FieldErrors();
      const value = spec.check(message, errors, context);
      if (errors.count === 0) return { ok: true, value: deepFreeze(value) };
      const label = `${spec.kind} ${JSON.stringify(spec.nameOf(message))}`;
      return { ok: false, errors: errors.list.map((e) => `${label}: ${e}`) };
    },
    parse(value: Uint8Array, context: ValidationContext = {}) {
      let message: MessageShape<Desc>;
      try {
        message = fromBinary(spec.schema, value);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return { result: { ok: false, errors: [`cannot decode ${spec.kind}: ${why}`] } };
      }
      return { name: spec.nameOf(message), result: type.validate(message, context) };
    },
  };
  return Object.freeze(type);
}
