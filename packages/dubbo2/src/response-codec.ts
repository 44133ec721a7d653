// Response bodies (DubboCodec.encodeResponseData / DecodeableRpcResult.decode). The first value is a
// "byte" that Java's Hessian2ObjectOutput writes as a Hessian int (RESPONSE_VALUE is 0x91), then:
//
//   0 RESPONSE_WITH_EXCEPTION                    the Throwable
//   1 RESPONSE_VALUE                             the value
//   2 RESPONSE_NULL_VALUE                        nothing
//   3 RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS   the Throwable, the attachments map
//   4 RESPONSE_VALUE_WITH_ATTACHMENTS            the value, the attachments map
//   5 RESPONSE_NULL_VALUE_WITH_ATTACHMENTS       the attachments map
//
// The *_WITH_ATTACHMENTS forms answer requests of protocol version 2.0.2 up to 2.0.99 (version.ts).
// A response with a status other than OK carries only a string, the error message.

import type { DecoderOptions, Hessian2Decoder, Hessian2Encoder, HessianValue } from "@dubbo-mesh/hessian2";
import { Dubbo2DecodeError } from "./errors.js";
import { asDecodeError, describe } from "./request-codec.js";

export const RESPONSE_WITH_EXCEPTION = 0;
export const RESPONSE_VALUE = 1;
export const RESPONSE_NULL_VALUE = 2;
export const RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS = 3;
export const RESPONSE_VALUE_WITH_ATTACHMENTS = 4;
export const RESPONSE_NULL_VALUE_WITH_ATTACHMENTS = 5;

export type ResponseOutcome =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "exception"; readonly exception: unknown };

export type DecodedResponse =
  | { readonly kind: "value"; readonly value: HessianValue; readonly attachments: Record<string, unknown> }
  | {
      readonly kind: "exception";
      readonly exception: HessianValue;
      readonly attachments: Record<string, unknown>;
    };

/** `attachments` undefined writes the plain forms (0/1/2), otherwise the *_WITH_ATTACHMENTS forms. */
export function encodeResponseBody(
  encoder: Hessian2Encoder,
  outcome: ResponseOutcome,
  attachments: Readonly<Record<string, unknown>> | undefined,
): Buffer {
  encoder.reset();
  const attach = attachments !== undefined;
  if (outcome.kind === "exception") {
    encoder.write(attach ? RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS : RESPONSE_WITH_EXCEPTION);
    encoder.write(outcome.exception);
  } else if (outcome.value === null || outcome.value === undefined) {
    encoder.write(attach ? RESPONSE_NULL_VALUE_WITH_ATTACHMENTS : RESPONSE_NULL_VALUE);
  } else {
    encoder.write(attach ? RESPONSE_VALUE_WITH_ATTACHMENTS : RESPONSE_VALUE);
    encoder.write(outcome.value);
  }
  if (attach) encoder.write(attachments);
  return encoder.finish();
}

/** The body of a non-OK response: the error message as one Hessian string. */
export function encodeErrorBody(encoder: Hessian2Encoder, message: string): Buffer {
  encoder.reset();
  encoder.write(message);
  return encoder.finish();
}

export function decodeResponseBody(
  decoder: Hessian2Decoder,
  body: Uint8Array,
  options: DecoderOptions = {},
): DecodedResponse {
  decoder.configure(options).reset(body);
  try {
    if (decoder.remaining === 0) throw new Dubbo2DecodeError("empty response body");
    const flag = decoder.read();
    if (typeof flag !== "number" || !Number.isInteger(flag)) {
      throw new Dubbo2DecodeError(`the response flag is not an int (got ${describe(flag)})`);
    }
    let kind: "value" | "exception";
    let value: HessianValue = null;
    let withAttachments = false;
    switch (flag) {
      case RESPONSE_WITH_EXCEPTION:
      case RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS:
        kind = "exception";
        value = readValue(decoder, "the exception");
        withAttachments = flag === RESPONSE_WITH_EXCEPTION_WITH_ATTACHMENTS;
        break;
      case RESPONSE_VALUE:
      case RESPONSE_VALUE_WITH_ATTACHMENTS:
        kind = "value";
        value = readValue(decoder, "the value");
        withAttachments = flag === RESPONSE_VALUE_WITH_ATTACHMENTS;
        break;
      case RESPONSE_NULL_VALUE:
      case RESPONSE_NULL_VALUE_WITH_ATTACHMENTS:
        kind = "value";
        withAttachments = flag === RESPONSE_NULL_VALUE_WITH_ATTACHMENTS;
        break;
      default:
        throw new Dubbo2DecodeError(`unknown response flag ${flag}`);
    }
    let attachments: Record<string, unknown> = {};
    if (withAttachments) {
      decoder.configure({ ...options, mapType: "object" });
      const map = readValue(decoder, "the attachments");
      if (map !== null) {
        if (typeof map !== "object" || Array.isArray(map) || map instanceof Map) {
          throw new Dubbo2DecodeError(`the response attachments are not a map (got ${describe(map)})`);
        }
        attachments = map as Record<string, unknown>;
      }
    }
    return kind === "value" ? { kind, value, attachments } : { kind, exception: value, attachments };
  } catch (error) {
    throw asDecodeError(error);
  } finally {
    decoder.release();
  }
}

/** The message of a non-OK response; a body we cannot read still yields a message. */
export function decodeErrorBody(decoder: Hessian2Decoder, body: Uint8Array): string {
  if (body.length === 0) return "";
  decoder.configure({}).reset(body);
  try {
    const value = decoder.read();
    return typeof value === "string" ? value : String(value);
  } catch (error) {
    return `(unreadable error message: ${(error as Error).message})`;
  } finally {
    decoder.release();
  }
}

function readValue(decoder: Hessian2Decoder, what: string): HessianValue {
  if (decoder.remaining === 0) throw new Dubbo2DecodeError(`the response body ends before ${what}`);
  return decoder.read();
}
