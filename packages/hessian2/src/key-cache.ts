// Map keys repeat: a list of a thousand HashMaps carries the same few keys a thousand times. Handing back
// the same string instance for the same bytes saves building the string and, more, V8 internalizing a
// fresh copy on every property store. A small direct-mapped cache, verified character by character, so a
// collision only costs a miss.

const SIZE = 4096;
/** Keys longer than this are not cached (rarely repeated, and hashing them costs more). */
export const KEY_CACHE_MAX_LENGTH = 24;

const entries: (string | undefined)[] = new Array(SIZE).fill(undefined);

/** The ASCII string of `length` (1..KEY_CACHE_MAX_LENGTH) bytes at `p`, or undefined if any is >= 0x80. */
export function cachedKey(b: Uint8Array, p: number, length: number): string | undefined {
  let hash = length;
  let bits = 0;
  for (let i = 0; i < length; i++) {
    const c = b[p + i];
    bits |= c;
    hash = (Math.imul(hash, 31) + c) | 0;
  }
  if (bits >= 0x80) return undefined;
  const slot = (hash ^ (hash >>> 13)) & (SIZE - 1);
  const known = entries[slot];
  if (known !== undefined && known.length === length) {
    let same = true;
    for (let i = 0; i < length; i++) {
      if (known.charCodeAt(i) !== b[p + i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  const key = String.fromCharCode.apply(null, Array.prototype.slice.call(b, p, p + length) as number[]);
  entries[slot] = key;
  return key;
}
