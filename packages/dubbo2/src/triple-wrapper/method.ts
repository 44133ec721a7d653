// Serializers for Triple's wrapper mode, the way Dubbo Java calls IDL-less interface services (and
// $invoke / $echo) over Triple: the gRPC message is a TripleRequestWrapper whose `args` are each one
// Hessian2 message, `argTypes` the Java parameter classes (Class.getName()), and `serializeType`
// "hessian4" (Dubbo's wire name for its hessian2 serialization, TripleConstant.HESSIAN4). The answer
// is a TripleResponseWrapper: `data` the Hessian2-encoded return value, `type` the declared return
// class. A business exception also comes back as a successful gRPC call: Dubbo 3.3.5 puts the
// Hessian-encoded Throwable in `data`, keeps `type` the declared return class and marks the response
// with the header `tri-exception-code: 3` (RpcException.BIZ_EXCEPTION) — a serializer never sees
// headers, so the decoded value itself is checked (older Dubbo wrote type "java.lang.Exception").
// Content type stays application/grpc(+proto).
//
// The object tripleWrapperMethod() returns has the shape of @dubbo-mesh/triple's WireMethod (and the
// serializers that of its Serializer), so `transport.unary(method, args, options)` calls a Java
// service with no import of triple here: this package depends on hessian2 only.

import { asJavaException, type DecoderOptions, decode, encode } from "@dubbo-mesh/hessian2";
import { Dubbo2Error } from "../errors.js";
import { Status } from "../status.js";
import {
  decodeRequestWrapper,
  decodeResponseWrapper,
  encodeRequestWrapper,
  encodeResponseWrapper,
  WrapperDecodeError,
} from "./protobuf.js";

/** Dubbo's wrapper name for hessian2. */
export const HESSIAN4 = "hessian4";
/** The `type` of a response wrapper that carries an exception (ReflectionPackableMethod.WrapResponsePack). */
export const WRAPPED_EXCEPTION_TYPE = "java.lang.Exception";

/** Structurally @dubbo-mesh/triple's Serializer. */
export interface WrapperSerializer {
  parse(bytes: Uint8Array): unknown;
  serialize(value: unknown): Uint8Array;
}

/** Structurally @dubbo-mesh/triple's WireMethod for a unary method. */
export interface TripleWrapperMethod {
  readonly info: { readonly service: string; readonly method: string; readonly kind: "unary" };
  readonly path: string;
  /** Request: the argument array. `json` sends it as a JSON array (Triple's JSON form for interfaces). */
  readonly input: { readonly proto: WrapperSerializer; readonly json: WrapperSerializer };
  /** Response: the return value (a Java exception is thrown as a Dubbo2Error with `exception`). */
  readonly output: { readonly proto: WrapperSerializer; readonly json: WrapperSerializer };
}

export interface TripleWrapperMethodOptions {
  /** The Java interface name, e.g. "org.dubbomesh.interop.DemoService". */
  service: string;
  method: string;
  /** Java parameter classes as Class.getName() spells them: "java.lang.String", "int", "[B", "com.foo.User". */
  parameterTypes: readonly string[];
  /** Declared return class, written in response wrappers we produce (server side). Default java.lang.Object. */
  returnType?: string;
  /** How returned values decode (e.g. `{ longs: "bigint" }`). */
  decoderOptions?: DecoderOptions;
  /**
   * The method returns a Throwable as its value: do not treat a decoded Java exception as thrown.
   * Default false.
   */
  returnsThrowable?: boolean;
}

export function tripleWrapperMethod(options: TripleWrapperMethodOptions): TripleWrapperMethod {
  const what = `${options.service}/${options.method}`;
  const argTypes = [...options.parameterTypes];
  const returnType = options.returnType ?? "java.lang.Object";
  const decoderOptions = options.decoderOptions ?? {};

  const request: WrapperSerializer = {
    serialize(value) {
      const args = argsOf(value, argTypes.length, what);
      return encodeRequestWrapper({ serializeType: HESSIAN4, args: args.map((a) => encode(a)), argTypes });
    },
    parse(bytes) {
      const wrapper = guard(() => decodeRequestWrapper(bytes), what);
      checkSerializeType(wrapper.serializeType, what);
      return wrapper.args.map((arg) => guard(() => decode(arg, decoderOptions), what));
    },
  };

  const response: WrapperSerializer = {
    serialize(value) {
      return encodeResponseWrapper({ serializeType: HESSIAN4, data: encode(value), type: returnType });
    },
    parse(bytes) {
      const wrapper = guard(() => decodeResponseWrapper(bytes), what);
      checkSerializeType(wrapper.serializeType, what);
      const value =
        wrapper.data.length === 0 ? null : guard(() => decode(wrapper.data, decoderOptions), what);
      const exception = options.returnsThrowable === true ? undefined : asJavaException(value);
      if (wrapper.type === WRAPPED_EXCEPTION_TYPE || exception !== undefined) {
        const message = exception ? `${exception.className}: ${exception.message}` : String(value);
        throw new Dubbo2Error(Status.OK, `${what} threw ${message}`, { exception: exception ?? value });
      }
      return value;
    },
  };

  return {
    info: { service: options.service, method: options.method, kind: "unary" },
    path: `/${options.service}/${options.method}`,
    input: { proto: request, json: jsonArgs(argTypes.length, what) },
    output: { proto: response, json: jsonValue },
  };
}

function argsOf(value: unknown, count: number, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${what}: the request must be the array of arguments`);
  if (value.length !== count) {
    throw new TypeError(`${what}: expected ${count} argument${count === 1 ? "" : "s"}, got ${value.length}`);
  }
  return value;
}

function checkSerializeType(type: string, what: string): void {
  if (type !== HESSIAN4 && type !== "hessian2") {
    throw new WrapperDecodeError(
      `${what}: serializeType "${type}" is not supported (only hessian4/hessian2)`,
    );
  }
}

function guard<T>(run: () => T, what: string): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof WrapperDecodeError) throw error;
    throw new WrapperDecodeError(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

const utf8 = new TextDecoder();

function jsonArgs(count: number, what: string): WrapperSerializer {
  return {
    serialize: (value) => Buffer.from(JSON.stringify(argsOf(value, count, what))),
    parse: (bytes) => {
      const value: unknown = JSON.parse(utf8.decode(bytes));
      return Array.isArray(value) ? value : [value];
    },
  };
}

const jsonValue: WrapperSerializer = {
  serialize: (value) => Buffer.from(JSON.stringify(value)),
  parse: (bytes) => (bytes.length === 0 ? null : (JSON.parse(utf8.decode(bytes)) as unknown)),
};
