// Request bodies (DubboCodec.encodeRequestData / DecodeableRpcInvocation.decode): one Hessian2 stream
// holding, in order, the dubbo protocol version, the service path, the service version, the method
// name, the parameter descriptor, each argument, and the attachments map. The values share one set of
// reference and class tables, so they are written and read through one encoder / decoder.

import type { DecoderOptions, Hessian2Decoder, Hessian2Encoder, HessianValue } from "@dubbo-mesh/hessian2";
import { type DescriptorError, parseDescriptor } from "./descriptor.js";
import { Dubbo2DecodeError } from "./errors.js";

export interface RequestData {
  /** The Dubbo protocol version (default "2.0.2", see version.ts). */
  readonly dubboVersion: string;
  /** The service path: the Java interface name unless the provider exported it under another path. */
  readonly path: string;
  /** The service version, or null (Java writes null when the reference has none). */
  readonly version: string | null;
  readonly method: string;
  /** JVM descriptor of the parameter types (descriptor.ts). */
  readonly parameterTypesDesc: string;
  readonly args: readonly unknown[];
  /** path, interface, version, group, timeout and custom attachments. */
  readonly attachments: Readonly<Record<string, unknown>>;
}

export interface DecodedRequest extends RequestData {
  /** The parameter types of the descriptor, as Class.getName() spells them. */
  readonly parameterTypes: readonly string[];
  readonly args: HessianValue[];
  readonly attachments: Record<string, unknown>;
}

export function encodeRequestBody(encoder: Hessian2Encoder, data: RequestData): Buffer {
  encoder.reset();
  encoder.write(data.dubboVersion);
  encoder.write(data.path);
  encoder.write(data.version);
  encoder.write(data.method);
  encoder.write(data.parameterTypesDesc);
  for (const arg of data.args) encoder.write(arg);
  encoder.write(data.attachments);
  return encoder.finish();
}

/** Decodes a request body; throws Dubbo2DecodeError saying what was wrong. */
export function decodeRequestBody(
  decoder: Hessian2Decoder,
  body: Uint8Array,
  options: DecoderOptions = {},
): DecodedRequest {
  decoder.configure(options).reset(body);
  try {
    const dubboVersion = readString(decoder, "the dubbo version", true) ?? "";
    const path = readString(decoder, "the service path", false) as string;
    const version = readString(decoder, "the service version", true);
    const method = readString(decoder, "the method name", false) as string;
    const parameterTypesDesc = readString(decoder, "the parameter descriptor", true) ?? "";
    let parameterTypes: string[];
    try {
      parameterTypes = parseDescriptor(parameterTypesDesc);
    } catch (error) {
      throw new Dubbo2DecodeError(`bad parameter descriptor: ${(error as DescriptorError).message}`);
    }
    const args: HessianValue[] = new Array(parameterTypes.length);
    for (let i = 0; i < parameterTypes.length; i++) {
      if (decoder.remaining === 0) {
        throw new Dubbo2DecodeError(
          `the body ends after ${i} of the ${parameterTypes.length} arguments of ${method}(${parameterTypesDesc})`,
        );
      }
      args[i] = decoder.read();
    }
    // Attachment keys are strings in Java (Map<String, Object>): always hand out a plain object.
    let attachments: Record<string, unknown> = {};
    if (decoder.remaining > 0) {
      decoder.configure({ ...options, mapType: "object" });
      const value = decoder.read();
      if (value !== null) {
        if (typeof value !== "object" || Array.isArray(value) || value instanceof Map) {
          throw new Dubbo2DecodeError(`the attachments are not a map (got ${describe(value)})`);
        }
        attachments = value as Record<string, unknown>;
      }
    }
    // Bytes after the attachments: Java logs "Skip input stream" and carries on; so do we.
    return { dubboVersion, path, version, method, parameterTypesDesc, parameterTypes, args, attachments };
  } catch (error) {
    throw asDecodeError(error);
  } finally {
    decoder.release();
  }
}

function readString(decoder: Hessian2Decoder, what: string, nullable: boolean): string | null {
  if (decoder.remaining === 0) throw new Dubbo2DecodeError(`the body ends before ${what}`);
  const value = decoder.read();
  if (typeof value === "string") return value;
  if (value === null && nullable) return null;
  throw new Dubbo2DecodeError(`${what} is not a string (got ${describe(value)})`);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (value instanceof Map) return "a map";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

export function asDecodeError(error: unknown): Dubbo2DecodeError {
  if (error instanceof Dubbo2DecodeError) return error;
  return new Dubbo2DecodeError(error instanceof Error ? error.message : String(error), { cause: error });
}
