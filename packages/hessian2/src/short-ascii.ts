// Short ASCII strings (field names, map keys, enum names, small values) dominate Hessian payloads. Building
// them with String.fromCharCode and explicit arguments, eight at a time, beats both the native-call overhead
// of Buffer#toString and the temporary strings of a one-character concatenation loop.

/** Longest string shortAscii() handles. */
export const SHORT_ASCII_MAX = 32;

/** Decodes `length` (1..32) bytes at `p` as ASCII, or returns `undefined` if any byte is >= 0x80. */
export function shortAscii(b: Uint8Array, p: number, length: number): string | undefined {
  let bits = 0;
  for (let i = 0; i < length; i++) bits |= b[p + i];
  if (bits >= 0x80) return undefined;
  if (length <= 8) return fromCodes(b, p, length);
  let out = fromCodes(b, p, 8);
  let i = 8;
  for (; i + 8 <= length; i += 8) out += fromCodes(b, p + i, 8);
  return i < length ? out + fromCodes(b, p + i, length - i) : out;
}

/** 1..8 known-ASCII bytes. */
function fromCodes(b: Uint8Array, p: number, length: number): string {
  switch (length) {
    case 1:
      return String.fromCharCode(b[p]);
    case 2:
      return String.fromCharCode(b[p], b[p + 1]);
    case 3:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2]);
    case 4:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3]);
    case 5:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]);
    case 6:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5]);
    case 7:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6]);
    default:
      return String.fromCharCode(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
  }
}
