import { Code, RpcError, type Serializer } from "@dubbo-mesh/triple";
import type { InterfaceMethod } from "./interface-definition.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

function parseJson(bytes: Uint8Array, what: string): unknown {
  if (bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (e) {
    throw new RpcError(Code.InvalidArgument, `cannot decode ${what} from JSON: ${(e as Error).message}`);
  }
}

function toJson(value: unknown, what: string): Uint8Array {
  try {
    return Buffer.from(
      JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) ?? "null",
    );
  } catch (e) {
    throw new RpcError(Code.Internal, `cannot encode ${what} to JSON: ${(e as Error).message}`);
  }
}

/**
 * The request body of an interface method: a JSON array of the arguments (the Triple spec's form,
 * what Dubbo Java sends). Read leniently as Dubbo Java 3.3 does: an array of the right length is the
 * argument list; any other body is the single argument of a one-parameter method; an object keyed by
 * parameter names fills the arguments by name when the names are declared.
 */
export function argumentsSerializer(where: string, method: InterfaceMethod): Serializer<unknown> {
  const params = method.params;
  return {
    parse(bytes) {
      const json = parseJson(bytes, `the arguments of ${where}`);
      if (json === undefined) return [];
      if (Array.isArray(json) && (params === undefined || json.length === params.length)) return json;
      if (params !== undefined && params.length > 1) {
        if (json !== null && typeof json === "object" && !Array.isArray(json)) {
          const byName = json as Record<string, unknown>;
          return params.map((p) => byName[p]);
        }
        throw new RpcError(
          Code.InvalidArgument,
          `${where} takes ${params.length} arguments (${params.join(", ")}): send a JSON array of them or an object keyed by name`,
        );
      }
      return [json];
    },
    serialize(args) {
      return toJson(args, `the arguments of ${where}`);
    },
  };
}

/** The response body: the JSON value the method returned (`null` for nothing). */
export function resultSerializer(where: string): Serializer<unknown> {
  return {
    parse: (bytes) => parseJson(bytes, `the result of ${where}`),
    serialize: (value) => toJson(value === undefined ? null : value, `the result of ${where}`),
  };
}

/** Protobuf bytes make no sense for an interface method; say what to send instead. */
export function protobufRejected(where: string): Serializer<unknown> {
  const fail = (): never => {
    throw new RpcError(
      Code.InvalidArgument,
      `${where} is an interface method: send JSON (application/json or application/grpc+json), not protobuf`,
    );
  };
  return { parse: fail, serialize: fail };
}
