// @dubbo-mesh/hessian2: Hessian 2.0 serialization, Java-compatible, no I/O.

import { type DecoderOptions, Hessian2Decoder } from "./decoder.js";
import { type EncoderOptions, Hessian2Encoder } from "./encoder.js";
import { HessianDecodeError } from "./errors.js";
import type { HessianValue } from "./java-types.js";

export { type DecoderOptions, Hessian2Decoder } from "./decoder.js";
export { type EncoderOptions, Hessian2Encoder } from "./encoder.js";
export { HessianDecodeError, HessianEncodeError } from "./errors.js";
export { java } from "./java.js";
export {
  asJavaException,
  type ExceptionOptions,
  JavaException,
  type JavaStackFrame,
} from "./java-throwable.js";
export { JAVA_TIME_HANDLES } from "./java-time.js";
export {
  type HessianList,
  type HessianMap,
  type HessianObject,
  type HessianValue,
  JAVA_CLASS,
  JAVA_MAP_TYPE,
  JavaBigDecimal,
  JavaBigInteger,
  JavaChar,
  JavaDouble,
  type JavaDoubleType,
  JavaEnum,
  JavaInt,
  type JavaIntType,
  JavaList,
  JavaLong,
  JavaMap,
  type JavaMarker,
  JavaObject,
  JavaValue,
  javaClassOf,
  setJavaClass,
  setJavaMapType,
} from "./java-types.js";

// One encoder and one decoder are reused by the functions below: their buffers and tables are the
// expensive part to set up. A nested call (a getter that encodes while we encode) gets a fresh instance.
let sharedEncoder: Hessian2Encoder | undefined;
let encoderBusy = false;
let sharedDecoder: Hessian2Decoder | undefined;
let decoderBusy = false;

/** Encodes one value as a complete Hessian 2.0 message (its own reference and class tables). */
export function encode(value: unknown, options?: EncoderOptions): Buffer {
  if (options !== undefined || encoderBusy) return new Hessian2Encoder(options).write(value).finish();
  sharedEncoder ??= new Hessian2Encoder();
  encoderBusy = true;
  try {
    return sharedEncoder.write(value).finish();
  } finally {
    encoderBusy = false;
  }
}

export interface DecodeOptions extends DecoderOptions {
  /** Accept bytes after the value (default false: they are reported as an error). */
  allowTrailing?: boolean;
}

/** Decodes exactly one value from `input`. */
export function decode(input: Uint8Array, options: DecodeOptions = {}): HessianValue {
  if (decoderBusy) return decodeOne(new Hessian2Decoder(), input, options);
  sharedDecoder ??= new Hessian2Decoder();
  decoderBusy = true;
  try {
    return decodeOne(sharedDecoder, input, options);
  } finally {
    // Do not keep the caller's buffer (or the decoded graph) alive through the shared instance.
    sharedDecoder.release();
    decoderBusy = false;
  }
}

function decodeOne(decoder: Hessian2Decoder, input: Uint8Array, options: DecodeOptions): HessianValue {
  decoder.configure(options).reset(input);
  const value = decoder.read();
  if (decoder.remaining > 0 && options.allowTrailing !== true) {
    throw new HessianDecodeError(decoder.offset, "end of input", `${decoder.remaining} trailing bytes`);
  }
  return value;
}
