// Errors with enough context to find the bad byte: a Dubbo peer that sends something we cannot read
// should produce a message naming the offset and what the grammar allowed there, not a RangeError from
// deep inside a Buffer method.

/** Thrown by the decoder for malformed, truncated or over-limit input. */
export class HessianDecodeError extends Error {
  override readonly name = "HessianDecodeError";
  /** Byte offset (from the start of the decoded buffer) where the problem was detected. */
  readonly offset: number;
  /** What the grammar expected at `offset`, e.g. "string" or "2 more bytes of int". */
  readonly expected: string;

  constructor(offset: number, expected: string, detail?: string) {
    super(`hessian2: ${detail ?? "malformed input"} at offset ${offset} (expected ${expected})`);
    this.offset = offset;
    this.expected = expected;
  }
}

/** Thrown by the encoder for values that have no Hessian/Java representation. */
export class HessianEncodeError extends Error {
  override readonly name = "HessianEncodeError";
}

/** "0x4e ('N')" style rendering of a byte code for error messages. */
export function describeCode(code: number): string {
  const hex = `0x${code.toString(16).padStart(2, "0")}`;
  return code >= 0x21 && code <= 0x7e ? `${hex} ('${String.fromCharCode(code)}')` : hex;
}
