// Long strings through native code, both ways. Java writes a string as CESU-8 (each UTF-16 unit on its
// own, so a supplementary character is two 3-byte surrogate sequences). Node has no CESU-8 codec, but for
// a string without surrogates CESU-8 and UTF-8 are the same bytes, so native UTF-8 codecs do the work and
// are checked for the cases where they would differ from Java; there the JavaScript loops take over.
//
// Encoding: the output is checked for a 4-byte sequence (a surrogate pair, lead byte F0-F4) and for
// U+FFFD (EF BF BD, what Buffer#write puts for a lone surrogate; a genuine U+FFFD only costs the detour,
// never wrong bytes). V8's UTF-8 writer (Buffer#write) takes ~3 ns per non-ASCII unit, while writing the
// units out as UTF-16LE (a copy) and converting them with buffer.transcode takes ~1.4 ns plus ~1.5 us of
// setup; pure ASCII is the other way round (V8 copies one-byte strings). So the transcoder serves long
// strings that are mostly non-ASCII, Buffer#write the rest.
//
// Decoding: buffer.isUtf8 accepts only strict UTF-8 (no surrogates, no overlong forms, nothing cut off),
// which is also what our unit decoder would read the same way; buffer.transcode then converts it. V8's own
// UTF-8 decoder (Buffer#toString) is slower than our JavaScript loop for CJK text, so it is not used.

import { isUtf8, transcode } from "node:buffer";
import { STRING_CHUNK_SIZE } from "./constants.js";

/** From this many units on, a mostly non-ASCII string is encoded through transcode (below, setup dominates). */
export const TRANSCODE_MIN = 2048;
/** From this many units on, a non-ASCII string is decoded natively when possible. */
export const NATIVE_DECODE_MIN = 1024;
/** Most bytes of room transcodeCesu8 leaves in front of the text. */
export const HEADROOM_MAX = 16;
/** Units sampled to guess whether a string is mostly non-ASCII. */
const SAMPLES = 8;
const REPLACEMENT = Buffer.from([0xef, 0xbf, 0xbd]);

/** Node built without ICU has no transcode; then the other paths do everything. */
export const hasTranscode = ((): boolean => {
  try {
    return (
      transcode(Buffer.from("a\u00e9", "utf16le"), "utf16le", "utf8").length === 3 &&
      transcode(Buffer.from("a\u00e9", "utf8"), "utf8", "utf16le").length === 4
    );
  } catch {
    return false;
  }
})();

let utf16: Buffer | undefined;

/** Whether most of a sample of `text`'s units are non-ASCII (a guess, it only picks the faster path). */
export function mostlyNonAscii(text: string): boolean {
  const step = Math.max(1, Math.floor(text.length / SAMPLES));
  let wide = 0;
  for (let i = step >> 1; i < text.length; i += step) if (text.charCodeAt(i) >= 0x80) wide++;
  return wide * 2 >= Math.min(SAMPLES, text.length);
}

/**
 * `text` (at most one string chunk) as CESU-8 in a new Buffer, after `headroom` bytes left for the caller
 * (at most HEADROOM_MAX); undefined when the text holds surrogates: then the caller's JavaScript loop
 * writes it. Only when `hasTranscode`.
 */
export function transcodeCesu8(text: string, headroom: number): Buffer | undefined {
  if (text.length > STRING_CHUNK_SIZE || headroom > HEADROOM_MAX) return undefined;
  utf16 ??= Buffer.allocUnsafeSlow(2 * (HEADROOM_MAX + STRING_CHUNK_SIZE));
  // The room is NUL units, one byte each in the output.
  utf16.fill(0, 0, 2 * headroom);
  const n = utf16.write(text, 2 * headroom, "utf16le");
  let out: Buffer;
  try {
    out = transcode(utf16.subarray(0, 2 * headroom + n), "utf16le", "utf8");
  } catch {
    // transcode refuses a lone surrogate (U_INVALID_CHAR_FOUND).
    return undefined;
  }
  // Three bytes for every unit means no pair (a pair takes 4 bytes for its two units): CJK text, unchecked.
  return out.length - headroom === 3 * text.length || !hasFourByteForm(out) ? out : undefined;
}

/** Whether UTF-8 written by Buffer#write is also Java's CESU-8 (no surrogate pair, no lone surrogate). */
export function utf8IsCesu8(utf8: Buffer): boolean {
  return !hasFourByteForm(utf8) && utf8.indexOf(REPLACEMENT) < 0;
}

function hasFourByteForm(utf8: Buffer): boolean {
  // Five memchr calls: a tenth of the time a JavaScript scan or a regular expression over the string takes.
  for (let lead = 0xf0; lead <= 0xf4; lead++) if (utf8.indexOf(lead) >= 0) return true;
  return false;
}

/**
 * The string of `bytes` when they are strict UTF-8, else undefined (CESU-8 surrogates, overlong forms,
 * invalid or cut-off sequences: the caller's unit decoder reads or rejects those).
 */
export function decodeStrictUtf8(bytes: Buffer): string | undefined {
  if (!hasTranscode || !isUtf8(bytes)) return undefined;
  try {
    return transcode(bytes, "utf8", "utf16le").toString("utf16le");
  } catch {
    return undefined;
  }
}
