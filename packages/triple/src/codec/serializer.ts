import {
  create,
  type DescMessage,
  fromBinary,
  fromJson,
  type JsonValue,
  type MessageShape,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { Code } from "../protocol/code.js";
import { RpcError } from "../protocol/rpc-error.js";

/**
 * Turns message bytes into values and back for one message type and one codec. The server and client
 * only see this interface, so the SDK can plug in other codecs (Hessian2 inside Triple's wrapper,
 * JSON argument arrays for IDL-less interfaces) without touching the wire code.
 */
export interface Serializer<T> {
  parse(bytes: Uint8Array): T;
  serialize(value: T): Uint8Array;
  /**
   * Text codecs (JSON): the same bytes as `serialize`, as a string. A transport that can write a
   * string (node:http) uses it to skip the UTF-8 copy.
   */
  serializeText?(value: T): string;
}

const textDecoder = new TextDecoder("utf-8", { fatal: true });
/** Made once: fromJson would otherwise see a fresh options object per message. */
const jsonReadOptions = Object.freeze({ ignoreUnknownFields: true });

/** A value that may be a full message or the plain object a handler returned (protoc-gen-es init shape). */
function asMessage<D extends DescMessage>(schema: D, value: unknown): MessageShape<D> {
  if (
    value !== null &&
    typeof value === "object" &&
    (value as { $typeName?: string }).$typeName === schema.typeName
  ) {
    return value as MessageShape<D>;
  }
  return create(schema, (value ?? undefined) as never) as MessageShape<D>;
}

export function protoSerializer<D extends DescMessage>(schema: D): Serializer<MessageShape<D>> {
  return {
    parse(bytes) {
      try {
        return fromBinary(schema, bytes);
      } catch (e) {
        throw new RpcError(
          Code.InvalidArgument,
          `cannot decode ${schema.typeName} from protobuf: ${(e as Error).message}`,
        );
      }
    },
    serialize(value) {
      try {
        return toBinary(schema, asMessage(schema, value));
      } catch (e) {
        throw new RpcError(
          Code.Internal,
          `cannot encode ${schema.typeName} to protobuf: ${(e as Error).message}`,
        );
      }
    },
  };
}

/**
 * protobuf JSON. On parse it also accepts the Triple spec's array form, `[ {...} ]`: a one-element array
 * of arguments is the single request message (Dubbo Java clients and the spec send that).
 */
export function jsonSerializer<D extends DescMessage>(schema: D): Serializer<MessageShape<D>> {
  const toText = (value: MessageShape<D>): string => {
    try {
      return JSON.stringify(toJson(schema, asMessage(schema, value)));
    } catch (e) {
      throw new RpcError(Code.Internal, `cannot encode ${schema.typeName} to JSON: ${(e as Error).message}`);
    }
  };
  return {
    parse(bytes) {
      let json: JsonValue;
      try {
        json = bytes.byteLength === 0 ? {} : (JSON.parse(textDecoder.decode(bytes)) as JsonValue);
      } catch (e) {
        throw new RpcError(
          Code.InvalidArgument,
          `cannot decode ${schema.typeName} from JSON: ${(e as Error).message}`,
        );
      }
      if (Array.isArray(json)) {
        if (json.length !== 1) {
          throw new RpcError(
            Code.InvalidArgument,
            `cannot decode ${schema.typeName} from JSON: an argument array must hold exactly 1 element, got ${json.length}`,
          );
        }
        json = json[0];
      }
      try {
        return fromJson(schema, json, jsonReadOptions);
      } catch (e) {
        // protobuf-es already names the message type in its error text.
        throw new RpcError(Code.InvalidArgument, (e as Error).message);
      }
    },
    serialize(value) {
      return Buffer.from(toText(value));
    },
    serializeText: toText,
  };
}

export interface SerializerPair<T> {
  readonly proto: Serializer<T>;
  readonly json: Serializer<T>;
}

const cache = new WeakMap<DescMessage, SerializerPair<unknown>>();

/** Serializers are stateless; one pair per message type is shared by every server and client. */
export function serializersFor<D extends DescMessage>(schema: D): SerializerPair<MessageShape<D>> {
  let pair = cache.get(schema);
  if (pair === undefined) {
    pair = { proto: protoSerializer(schema), json: jsonSerializer(schema) } as SerializerPair<unknown>;
    cache.set(schema, pair);
  }
  return pair as SerializerPair<MessageShape<D>>;
}
