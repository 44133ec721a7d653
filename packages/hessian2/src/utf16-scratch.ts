// Scratch space for decoding long non-ASCII strings: the decoder writes UTF-16 units into a reusable
// Uint16Array and turns them into a string with one native call. Building the units in JavaScript and
// letting Buffer copy them as UTF-16LE is several times faster than Buffer's own UTF-8 decoding for CJK
// text, and it handles Java's CESU-8 surrogates, which Buffer would not.

/** String.fromCharCode.apply takes at most this many units per call. */
const CHAR_BATCH = 4096;
/** Scratch space for readUnits, kept between calls up to this many units. */
const SCRATCH_RETAINED_MAX = 64 * 1024;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const SCRATCH_DEFAULT_UNITS = 1024;
let scratchBytes = Buffer.allocUnsafeSlow(2 * SCRATCH_DEFAULT_UNITS);
let scratchUnits = new Uint16Array(scratchBytes.buffer, scratchBytes.byteOffset, SCRATCH_DEFAULT_UNITS);

function setScratch(units: number): void {
  scratchBytes = Buffer.allocUnsafeSlow(2 * units);
  scratchUnits = new Uint16Array(scratchBytes.buffer, scratchBytes.byteOffset, units);
}

/** A Uint16Array of at least `length` units (the caller has bounded `length` by the input size). */
export function unitScratch(length: number): Uint16Array {
  if (length > scratchUnits.length) setScratch(Math.max(length, 2 * scratchUnits.length));
  return scratchUnits;
}

/**
 * The string of the first `count` scratch units: one native call on little-endian platforms (the scratch
 * bytes are UTF-16LE as they are), String.fromCharCode batches otherwise.
 */
export function unitsToString(count: number): string {
  let out = "";
  if (LITTLE_ENDIAN) {
    out = scratchBytes.toString("utf16le", 0, count * 2);
  } else {
    for (let i = 0; i < count; i += CHAR_BATCH) {
      out += String.fromCharCode.apply(
        null,
        Array.from(scratchUnits.subarray(i, Math.min(count, i + CHAR_BATCH))),
      );
    }
  }
  if (scratchUnits.length > SCRATCH_RETAINED_MAX) setScratch(SCRATCH_DEFAULT_UNITS);
  return out;
}
