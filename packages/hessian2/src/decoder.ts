// Hessian 2.0 decoder: bytes to JavaScript values.
//
// Untrusted input is the normal case (it comes off a socket), so every read is bounds-checked and every
// length is checked against the bytes that are left before anything is allocated for it: a 5-byte message
// cannot ask for a 2 GiB list. Nesting is limited by `maxDepth`; loops always consume input, so the decoder
// never hangs. Anything wrong surfaces as a HessianDecodeError naming the offset and what was expected.
//
// Like the encoder, one decoder keeps its reference, class-definition and type tables across `read()`
// calls until `reset()`: a Dubbo2 body is a sequence of values sharing those tables.

import { isAscii } from "node:buffer";
import {
  BC_BINARY,
  BC_BINARY_CHUNK,
  BC_DATE,
  BC_DATE_MINUTE,
  BC_DOUBLE,
  BC_DOUBLE_BYTE,
  BC_DOUBLE_MILL,
  BC_DOUBLE_ONE,
  BC_DOUBLE_SHORT,
  BC_DOUBLE_ZERO,
  BC_END,
  BC_FALSE,
  BC_INT,
  BC_LIST_FIXED,
  BC_LIST_FIXED_UNTYPED,
  BC_LIST_VARIABLE,
  BC_LIST_VARIABLE_UNTYPED,
  BC_LONG,
  BC_LONG_INT,
  BC_MAP,
  BC_MAP_UNTYPED,
  BC_NULL,
  BC_OBJECT,
  BC_OBJECT_DEF,
  BC_REF,
  BC_STRING,
  BC_STRING_CHUNK,
  BC_TRUE,
  TWO_POW_32,
} from "./constants.js";
import { describeCode, HessianDecodeError } from "./errors.js";
import {
  type HessianList,
  type HessianMap,
  type HessianObject,
  type HessianValue,
  JAVA_CLASS,
  JavaBigDecimal,
  JavaBigInteger,
  javaClassPrototype,
  javaMapPrototype,
} from "./java-types.js";
import { cachedKey, KEY_CACHE_MAX_LENGTH } from "./key-cache.js";
import { decodeStrictUtf8, NATIVE_DECODE_MIN } from "./native-strings.js";
import { SHORT_ASCII_MAX, shortAscii } from "./short-ascii.js";
import { unitScratch, unitsToString } from "./utf16-scratch.js";

export interface DecoderOptions {
  /** Deepest nesting of lists, maps and objects accepted (default 512). */
  maxDepth?: number;
  /**
   * How maps decode. "auto" (default): a plain object while every key is a string, a `Map` as soon as one
   * is not. "object": always a plain object (non-string keys are stringified). "map": always a `Map`.
   */
  mapType?: "auto" | "object" | "map";
  /**
   * How Hessian longs decode. "auto" (default): a number when it is a safe integer (|v| <= 2^53 - 1),
   * otherwise a bigint. "bigint": always a bigint, so a long re-encodes as a long.
   */
  longs?: "auto" | "bigint";
  /** Copy binary values out of the input (default true); false returns views that alias the input. */
  copyBinary?: boolean;
}

enum Special {
  None = 0,
  BigDecimal = 1,
  BigInteger = 2,
}

interface ClassDefinition {
  readonly name: string;
  readonly fields: readonly string[];
  /** Some field name would change the prototype if assigned ("__proto__"). */
  readonly unsafeFields: boolean;
  readonly special: Special;
  /** Shared prototype carrying JAVA_CLASS (see java-types.ts). */
  readonly proto: object;
}

interface RecentDefinition {
  readonly definition: ClassDefinition;
  /** The definition's bytes after 'C': class name, field count, field names. */
  readonly bytes: Buffer;
}

interface TypeEntry {
  readonly name: string;
  /** Descriptor for the JAVA_CLASS own property of typed lists and typed Maps. */
  readonly tag: PropertyDescriptor;
}

function classTag(name: string): PropertyDescriptor {
  return { value: name, enumerable: false, writable: true, configurable: true };
}

const EMPTY = Buffer.alloc(0);
/** Strings this long or longer are checked for ASCII natively before falling back to the scan. */
const NATIVE_ASCII_MIN = 64;
/** Class definitions remembered across messages (compared byte for byte, newest first). */
const RECENT_DEFINITIONS_MAX = 64;
/** From this many units on, non-ASCII strings are decoded unit by unit (see readUnits). */
const UNITS_PATH_MIN = 128;
export class Hessian2Decoder {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  private depth = 0;
  private refs: unknown[] = [];
  private classes: ClassDefinition[] = [];
  private types: TypeEntry[] = [];
  private maxDepth = 512;
  private mapMode: 0 | 1 | 2 = 0; // auto, object, map
  private bigintLongs = false;
  private copyBinary = true;
  private readonly recentDefinitions: RecentDefinition[] = [];

  constructor(input?: Uint8Array, options?: DecoderOptions) {
    if (options !== undefined) this.configure(options);
    if (input !== undefined) this.reset(input);
  }

  /** Applies options; unspecified ones return to their defaults. */
  configure(options: DecoderOptions): this {
    this.maxDepth = options.maxDepth ?? 512;
    this.mapMode = options.mapType === "object" ? 1 : options.mapType === "map" ? 2 : 0;
    this.bigintLongs = options.longs === "bigint";
    this.copyBinary = options.copyBinary ?? true;
    return this;
  }

  /** Starts over on new input: position 0, empty reference, class and type tables. */
  reset(input: Uint8Array): this {
    this.buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    this.pos = 0;
    this.end = this.buf.length;
    this.depth = 0;
    if (this.refs.length > 0) this.refs = [];
    if (this.classes.length > 0) this.classes = [];
    if (this.types.length > 0) this.types = [];
    return this;
  }

  /** Offset of the next unread byte. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reads the next value. */
  read(): HessianValue {
    if (this.pos >= this.end) throw new HessianDecodeError(this.pos, "a value", "no more input");
    this.depth = 0;
    try {
      return this.readValue();
    } catch (error) {
      // The JavaScript stack or a string can run out before maxDepth / the input do; report those as
      // what they are, a message we will not decode, at the offset we had reached.
      if (error instanceof RangeError) {
        throw new HessianDecodeError(this.pos, "a smaller value", error.message);
      }
      throw error;
    }
  }

  /** Drops the references to the input and the tables (call when done with a shared decoder). */
  release(): void {
    this.buf = EMPTY;
    this.pos = 0;
    this.end = 0;
    if (this.refs.length > 0) this.refs = [];
    if (this.classes.length > 0) this.classes = [];
    if (this.types.length > 0) this.types = [];
  }

  // ---- primitives

  private truncated(at: number, expected: string): HessianDecodeError {
    return new HessianDecodeError(at, expected, "unexpected end of input");
  }

  private need(n: number, expected: string): void {
    if (this.pos + n > this.end) throw this.truncated(this.end, expected);
  }

  private readByte(expected: string): number {
    if (this.pos >= this.end) throw this.truncated(this.pos, expected);
    return this.buf[this.pos++];
  }

  private int32(): number {
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  /** 8 big-endian bytes as a number when safe, else a bigint. */
  private int64(): number | bigint {
    const high = this.int32();
    const low = this.int32() >>> 0;
    const value = high * TWO_POW_32 + low;
    if (Number.isSafeInteger(value)) return value;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  private long(value: number): number | bigint {
    return this.bigintLongs ? BigInt(value) : value;
  }

  // ---- values

  private readValue(): HessianValue {
    for (;;) {
      if (this.pos >= this.end) throw this.truncated(this.pos, "a value");
      const start = this.pos;
      const code = this.buf[this.pos++];
      if (code >= 0x80) return this.readCompactNumber(code);
      if (code < 0x20) return this.readStringChunks(code, start);
      if (code < 0x30) return this.readBinary(code, start);
      if (code < 0x34) return this.readStringChunks(code, start);
      if (code < 0x38) return this.readBinary(code, start);
      if (code < 0x40) {
        // three-octet long: ((code - 0x3c) << 16) + b1 b0
        this.need(2, "2 more bytes of long");
        const b = this.buf;
        const v = ((code - 0x3c) << 16) + (b[this.pos] << 8) + b[this.pos + 1];
        this.pos += 2;
        return this.long(v);
      }
      if (code >= 0x70) return this.readFixedList(code < 0x78, code & 0x07);
      if (code >= 0x60) return this.readInstance(code - 0x60, start);
      switch (code) {
        case BC_NULL:
          return null;
        case BC_TRUE:
          return true;
        case BC_FALSE:
          return false;
        case BC_INT:
          this.need(4, "4 more bytes of int");
          return this.int32();
        case BC_LONG_INT:
          this.need(4, "4 more bytes of long");
          return this.long(this.int32());
        case BC_LONG: {
          this.need(8, "8 more bytes of long");
          const v = this.int64();
          return typeof v === "number" ? this.long(v) : v;
        }
        case BC_DOUBLE: {
          this.need(8, "8 more bytes of double");
          const v = this.buf.readDoubleBE(this.pos);
          this.pos += 8;
          return v;
        }
        case BC_DOUBLE_ZERO:
          return 0;
        case BC_DOUBLE_ONE:
          return 1;
        case BC_DOUBLE_BYTE:
          this.need(1, "1 more byte of double");
          return (this.buf[this.pos++] << 24) >> 24;
        case BC_DOUBLE_SHORT: {
          this.need(2, "2 more bytes of double");
          const v = ((this.buf[this.pos] << 24) >> 16) | this.buf[this.pos + 1];
          this.pos += 2;
          return v;
        }
        case BC_DOUBLE_MILL:
          this.need(4, "4 more bytes of double");
          return 0.001 * this.int32();
        case BC_DATE: {
          this.need(8, "8 more bytes of date");
          const ms = this.int64();
          return new Date(typeof ms === "number" ? ms : Number.NaN);
        }
        case BC_DATE_MINUTE:
          this.need(4, "4 more bytes of date");
          return new Date(this.int32() * 60000);
        case BC_STRING:
        case BC_STRING_CHUNK:
          return this.readStringChunks(code, start);
        case BC_BINARY:
        case BC_BINARY_CHUNK:
          return this.readBinary(code, start);
        case BC_LIST_FIXED:
          return this.readFixedList(true, -1);
        case BC_LIST_FIXED_UNTYPED:
          return this.readFixedList(false, -1);
        case BC_LIST_VARIABLE:
          return this.readVariableList(true);
        case BC_LIST_VARIABLE_UNTYPED:
          return this.readVariableList(false);
        case BC_MAP_UNTYPED:
          return this.readMap(undefined);
        case BC_MAP:
          return this.readMap(this.readType());
        case BC_OBJECT_DEF:
          // A definition may precede any value; loop instead of recursing so a run of definitions cannot
          // exhaust the stack.
          this.readClassDefinition();
          continue;
        case BC_OBJECT:
          return this.readInstance(this.readInt("class definition index"), start);
        case BC_REF:
          return this.readRef(start);
        default:
          throw new HessianDecodeError(start, "a value", `unexpected code ${describeCode(code)}`);
      }
    }
  }

  /** [x80-xff]: compact ints and longs. */
  private readCompactNumber(code: number): number | bigint {
    const b = this.buf;
    if (code <= 0xbf) return code - 0x90;
    if (code <= 0xcf) {
      this.need(1, "1 more byte of int");
      return ((code - 0xc8) << 8) + b[this.pos++];
    }
    if (code <= 0xd7) {
      this.need(2, "2 more bytes of int");
      const v = ((code - 0xd4) << 16) + (b[this.pos] << 8) + b[this.pos + 1];
      this.pos += 2;
      return v;
    }
    if (code <= 0xef) return this.long(code - 0xe0);
    this.need(1, "1 more byte of long");
    return this.long(((code - 0xf8) << 8) + b[this.pos++]);
  }

  /** An int where the grammar requires one (lengths, indexes, field counts). */
  private readInt(what: string): number {
    const start = this.pos;
    const code = this.readByte(what);
    const b = this.buf;
    if (code >= 0x80 && code <= 0xbf) return code - 0x90;
    if (code >= 0xc0 && code <= 0xcf) {
      this.need(1, what);
      return ((code - 0xc8) << 8) + b[this.pos++];
    }
    if (code >= 0xd0 && code <= 0xd7) {
      this.need(2, what);
      const v = ((code - 0xd4) << 16) + (b[this.pos] << 8) + b[this.pos + 1];
      this.pos += 2;
      return v;
    }
    if (code === BC_INT) {
      this.need(4, what);
      return this.int32();
    }
    throw new HessianDecodeError(start, `an int (${what})`, `unexpected code ${describeCode(code)}`);
  }

  // ---- strings

  /** A string where the grammar requires one (class names, field names, types). */
  private readStringValue(what: string): string {
    const start = this.pos;
    const code = this.readByte(what);
    if (code <= 0x1f || (code >= 0x30 && code <= 0x33) || code === BC_STRING || code === BC_STRING_CHUNK) {
      return this.readStringChunks(code, start);
    }
    throw new HessianDecodeError(start, `a string (${what})`, `unexpected code ${describeCode(code)}`);
  }

  /** Reads the string whose first chunk code was just consumed, following 'R' chunks. */
  private readStringChunks(code: number, start: number): string {
    let result = "";
    for (;;) {
      let length: number;
      let final = true;
      if (code <= 0x1f) {
        length = code;
      } else if (code >= 0x30 && code <= 0x33) {
        this.need(1, "string length byte");
        length = ((code - 0x30) << 8) + this.buf[this.pos++];
      } else if (code === BC_STRING || code === BC_STRING_CHUNK) {
        this.need(2, "string chunk length");
        length = (this.buf[this.pos] << 8) + this.buf[this.pos + 1];
        this.pos += 2;
        final = code === BC_STRING;
      } else {
        throw new HessianDecodeError(start, "a string chunk", `unexpected code ${describeCode(code)}`);
      }
      const part = this.readChars(length);
      if (final) return result.length === 0 ? part : result + part;
      result += part;
      start = this.pos;
      code = this.readByte("the next string chunk");
    }
  }

  /**
   * Reads `length` UTF-16 units encoded as UTF-8 bytes. Java writes each unit separately, so a
   * supplementary character arrives as two 3-byte surrogate sequences (CESU-8); standard 4-byte UTF-8 is
   * accepted too (it counts as two units).
   */
  private readChars(length: number): string {
    if (length === 0) return "";
    const buf = this.buf;
    const start = this.pos;
    // Each unit takes at least one byte: a length beyond the input is a lie, not a reason to scan.
    if (start + length > this.end) throw this.truncated(this.end, `${length} characters of string`);
    if (length <= SHORT_ASCII_MAX) {
      const s = shortAscii(buf, start, length);
      if (s !== undefined) {
        this.pos = start + length;
        return s;
      }
    } else if (length >= NATIVE_ASCII_MIN && isAscii(buf.subarray(start, start + length))) {
      this.pos = start + length;
      return buf.toString("latin1", start, start + length);
    }
    if (length < UNITS_PATH_MIN) {
      const s = this.readPlainUtf8(start, length);
      if (s !== undefined) return s;
    } else if (length >= NATIVE_DECODE_MIN) {
      const s = this.readThreeByteText(start, length);
      if (s !== undefined) return s;
    }
    return this.readUnits(start, length);
  }

  /**
   * Text of 3-byte characters (CJK), natively: the header counts units, not bytes, so the span is a
   * guess, 3 bytes per unit, taken only when the bytes look like it. UTF-8 synchronises itself, so strict
   * UTF-8 that starts here and decodes to exactly `length` units is exactly this string's bytes; anything
   * else (other text, CESU-8 surrogates, the next value in the span) returns undefined, consuming nothing.
   */
  private readThreeByteText(start: number, length: number): string | undefined {
    const end = start + 3 * length;
    const buf = this.buf;
    if (end > this.end || (buf[start] & 0xf0) !== 0xe0 || (buf[end - 3] & 0xf0) !== 0xe0) return undefined;
    const s = decodeStrictUtf8(buf.subarray(start, end));
    if (s === undefined || s.length !== length) return undefined;
    this.pos = end;
    return s;
  }

  /**
   * Short strings: validates and measures the bytes, then lets Buffer decode them when they are plain
   * UTF-8 (faster than building the units for short text). Returns undefined, consuming nothing, for
   * CESU-8 surrogates and overlong forms, which Buffer would not decode like Java.
   */
  private readPlainUtf8(start: number, length: number): string | undefined {
    const buf = this.buf;
    const end = this.end;
    let p = start;
    let units = 0;
    while (units < length) {
      if (p >= end) throw this.truncated(p, `${length - units} more characters of string`);
      const c = buf[p];
      if (c < 0x80) {
        p++;
        units++;
      } else if (c >= 0xc2 && c < 0xe0) {
        if (p + 1 >= end) throw this.truncated(end, "UTF-8 continuation byte");
        if ((buf[p + 1] & 0xc0) !== 0x80) throw this.badUtf8(p + 1);
        p += 2;
        units++;
      } else if (c >= 0xe0 && c < 0xf0) {
        if (p + 2 >= end) throw this.truncated(end, "UTF-8 continuation bytes");
        const c1 = buf[p + 1];
        if ((c1 & 0xc0) !== 0x80) throw this.badUtf8(p + 1);
        if ((buf[p + 2] & 0xc0) !== 0x80) throw this.badUtf8(p + 2);
        if ((c === 0xed && c1 >= 0xa0) || (c === 0xe0 && c1 < 0xa0)) return undefined; // surrogate / overlong
        p += 3;
        units++;
      } else {
        // 4-byte forms, overlong 2-byte forms (Java's C0 80) and invalid bytes: the unit decoder knows.
        return undefined;
      }
    }
    this.pos = p;
    return buf.toString("utf8", start, p);
  }

  /** Decodes and validates unit by unit into a scratch Uint16Array, then makes the string in one call. */
  private readUnits(start: number, length: number): string {
    const buf = this.buf;
    const end = this.end;
    const units = unitScratch(length);
    let p = start;
    let k = 0;
    while (k < length) {
      if (p >= end) throw this.truncated(p, `${length - k} more characters of string`);
      const c = buf[p];
      if (c < 0x80) {
        units[k++] = c;
        p++;
      } else if (c >= 0xc0 && c < 0xe0) {
        if (p + 1 >= end) throw this.truncated(end, "UTF-8 continuation byte");
        const c1 = buf[p + 1];
        if ((c1 & 0xc0) !== 0x80) throw this.badUtf8(p + 1);
        units[k++] = ((c & 0x1f) << 6) | (c1 & 0x3f);
        p += 2;
      } else if (c >= 0xe0 && c < 0xf0) {
        if (p + 2 >= end) throw this.truncated(end, "UTF-8 continuation bytes");
        const c1 = buf[p + 1];
        const c2 = buf[p + 2];
        if ((c1 & 0xc0) !== 0x80) throw this.badUtf8(p + 1);
        if ((c2 & 0xc0) !== 0x80) throw this.badUtf8(p + 2);
        units[k++] = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
        p += 3;
      } else if (c >= 0xf0 && c <= 0xf4) {
        if (p + 3 >= end) throw this.truncated(end, "UTF-8 continuation bytes");
        const c1 = buf[p + 1];
        const c2 = buf[p + 2];
        const c3 = buf[p + 3];
        if ((c1 & 0xc0) !== 0x80) throw this.badUtf8(p + 1);
        if ((c2 & 0xc0) !== 0x80) throw this.badUtf8(p + 2);
        if ((c3 & 0xc0) !== 0x80) throw this.badUtf8(p + 3);
        const cp = ((c & 0x07) << 18) | ((c1 & 0x3f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
        if (cp < 0x10000 || cp > 0x10ffff) throw this.badUtf8(p);
        if (k + 2 > length) {
          throw new HessianDecodeError(
            p,
            "a character inside the string length",
            "surrogate pair split by the length",
          );
        }
        units[k++] = 0xd800 + ((cp - 0x10000) >> 10);
        units[k++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
        p += 4;
      } else {
        throw this.badUtf8(p);
      }
    }
    this.pos = p;
    return unitsToString(k);
  }

  private badUtf8(at: number): HessianDecodeError {
    return new HessianDecodeError(
      at,
      "UTF-8 encoded characters",
      `invalid UTF-8 byte ${describeCode(this.buf[at])}`,
    );
  }

  // ---- binary

  private readBinary(code: number, start: number): Buffer {
    let first: Buffer | undefined;
    let parts: Buffer[] | undefined;
    for (;;) {
      let length: number;
      let final = true;
      if (code >= 0x20 && code <= 0x2f) {
        length = code - 0x20;
      } else if (code >= 0x34 && code <= 0x37) {
        this.need(1, "binary length byte");
        length = ((code - 0x34) << 8) + this.buf[this.pos++];
      } else if (code === BC_BINARY || code === BC_BINARY_CHUNK) {
        this.need(2, "binary chunk length");
        length = (this.buf[this.pos] << 8) + this.buf[this.pos + 1];
        this.pos += 2;
        final = code === BC_BINARY;
      } else {
        throw new HessianDecodeError(start, "a binary chunk", `unexpected code ${describeCode(code)}`);
      }
      if (this.pos + length > this.end) throw this.truncated(this.end, `${length} bytes of binary`);
      const view = this.buf.subarray(this.pos, this.pos + length);
      this.pos += length;
      if (first === undefined) first = view;
      else if (parts === undefined) parts = [first, view];
      else parts.push(view);
      if (final) break;
      start = this.pos;
      code = this.readByte("the next binary chunk");
    }
    if (parts !== undefined) return Buffer.concat(parts);
    return this.copyBinary ? Buffer.from(first) : first;
  }

  // ---- references, types, nesting

  private enter(at: number): void {
    if (++this.depth > this.maxDepth) {
      throw new HessianDecodeError(
        at,
        `nesting within maxDepth (${this.maxDepth})`,
        "value nested too deeply",
      );
    }
  }

  private readRef(start: number): HessianValue {
    const index = this.readInt("reference index");
    if (index < 0 || index >= this.refs.length) {
      throw new HessianDecodeError(
        start,
        `a reference below ${this.refs.length}`,
        `reference ${index} out of range`,
      );
    }
    return this.refs[index] as HessianValue;
  }

  /** type ::= string | int (index into the types seen so far). */
  private readType(): TypeEntry {
    const start = this.pos;
    if (start >= this.end) throw this.truncated(start, "a type");
    const code = this.buf[start];
    if (code <= 0x1f || (code >= 0x30 && code <= 0x33) || code === BC_STRING || code === BC_STRING_CHUNK) {
      const name = this.readStringValue("type");
      const entry: TypeEntry = { name, tag: classTag(name) };
      this.types.push(entry);
      return entry;
    }
    const index = this.readInt("type reference");
    if (index < 0 || index >= this.types.length) {
      throw new HessianDecodeError(
        start,
        `a type reference below ${this.types.length}`,
        `type ${index} out of range`,
      );
    }
    return this.types[index];
  }

  // ---- lists

  /** Fixed-length list: [x70-x7f] (length in the code) or 'V' / x58 (length as an int after the type). */
  private readFixedList(typed: boolean, directLength: number): HessianList {
    const start = this.pos - 1;
    const type = typed ? this.readType() : undefined;
    let length = directLength;
    if (length < 0) {
      const lengthAt = this.pos;
      length = this.readInt("list length");
      // Every element takes at least one byte.
      if (length < 0 || length > this.end - this.pos) {
        throw new HessianDecodeError(
          lengthAt,
          `a list length within the ${this.end - this.pos} bytes left`,
          `list length ${length}`,
        );
      }
    }
    this.enter(start);
    const list: HessianList = [];
    if (type !== undefined) Object.defineProperty(list, JAVA_CLASS, type.tag);
    this.refs.push(list);
    for (let i = 0; i < length; i++) list.push(this.readValue());
    this.depth--;
    return list;
  }

  /** Variable-length list: x55 type value* 'Z' or x57 value* 'Z'. */
  private readVariableList(typed: boolean): HessianList {
    const start = this.pos - 1;
    const type = typed ? this.readType() : undefined;
    this.enter(start);
    const list: HessianList = [];
    if (type !== undefined) Object.defineProperty(list, JAVA_CLASS, type.tag);
    this.refs.push(list);
    for (;;) {
      if (this.pos >= this.end) throw this.truncated(this.pos, "a list element or 'Z'");
      if (this.buf[this.pos] === BC_END) {
        this.pos++;
        break;
      }
      list.push(this.readValue());
    }
    this.depth--;
    return list;
  }

  // ---- maps

  private readMap(type: TypeEntry | undefined): HessianObject | HessianMap {
    const start = this.pos - 1;
    this.enter(start);
    const refIndex = this.refs.length;
    let map: HessianMap | undefined;
    let object: HessianObject | undefined;
    if (this.mapMode === 2) {
      map = new Map();
      this.refs.push(map);
    } else {
      object = type === undefined ? {} : (Object.create(javaMapPrototype(type.name)) as HessianObject);
      this.refs.push(object);
    }
    for (;;) {
      if (this.pos >= this.end) throw this.truncated(this.pos, "a map key or 'Z'");
      if (this.buf[this.pos] === BC_END) {
        this.pos++;
        break;
      }
      const key = this.readMapKey();
      const value = this.readValue();
      if (map !== undefined) {
        map.set(key, value);
      } else if (typeof key === "string") {
        setField(object as HessianObject, key, value);
      } else if (this.mapMode === 1) {
        setField(object as HessianObject, String(key), value);
      } else {
        // First non-string key: switch to a Map, keeping the entries read so far. (A reference to this map
        // taken by one of those entries keeps pointing at the abandoned object; documented in README.)
        map = new Map(Object.entries(object as HessianObject));
        map.set(key, value);
        this.refs[refIndex] = map;
        object = undefined;
      }
    }
    this.depth--;
    if (type !== undefined && map !== undefined) Object.defineProperty(map, JAVA_CLASS, type.tag);
    return map ?? (object as HessianObject);
  }

  /** A map key: short ASCII string keys come from the key cache, anything else is a plain value. */
  private readMapKey(): HessianValue {
    const p = this.pos;
    const code = this.buf[p];
    if (code >= 1 && code <= KEY_CACHE_MAX_LENGTH && p + 1 + code <= this.end) {
      const key = cachedKey(this.buf, p + 1, code);
      if (key !== undefined) {
        this.pos = p + 1 + code;
        return key;
      }
    }
    return this.readValue();
  }

  // ---- objects

  /**
   * class-def ::= 'C' string int string*
   *
   * Every message repeats the definitions it uses, so the decoder remembers recent definitions with their
   * raw bytes; when the bytes at hand match one, it is reused without parsing a single string.
   */
  private readClassDefinition(): void {
    const start = this.pos;
    const recent = this.recentDefinitions;
    for (let i = 0; i < recent.length; i++) {
      const known = recent[i];
      if (this.matches(start, known.bytes)) {
        this.pos = start + known.bytes.length;
        this.classes.push(known.definition);
        return;
      }
    }
    const name = this.readStringValue("class name");
    const countAt = this.pos;
    const count = this.readInt("field count");
    if (count < 0 || count > this.end - this.pos) {
      throw new HessianDecodeError(
        countAt,
        `a field count within the ${this.end - this.pos} bytes left`,
        `field count ${count}`,
      );
    }
    const fields: string[] = [];
    let unsafeFields = false;
    for (let i = 0; i < count; i++) {
      const field = this.readStringValue("field name");
      if (field === "__proto__") unsafeFields = true;
      fields.push(field);
    }
    let special = Special.None;
    if (name === "java.math.BigDecimal" && fields.includes("value")) special = Special.BigDecimal;
    else if (name === "java.math.BigInteger" && fields.includes("signum") && fields.includes("mag")) {
      special = Special.BigInteger;
    }
    const definition: ClassDefinition = {
      name,
      fields,
      unsafeFields,
      special,
      proto: javaClassPrototype(name),
    };
    this.classes.push(definition);
    // Newest first; a copy of the bytes, since the input belongs to the caller.
    if (recent.length >= RECENT_DEFINITIONS_MAX) recent.pop();
    recent.unshift({ definition, bytes: Buffer.from(this.buf.subarray(start, this.pos)) });
  }

  private matches(at: number, bytes: Buffer): boolean {
    const n = bytes.length;
    if (at + n > this.end) return false;
    // Two byte checks reject most other definitions before paying for the native compare.
    if (this.buf[at] !== bytes[0] || this.buf[at + n - 1] !== bytes[n - 1]) return false;
    return bytes.compare(this.buf, at, at + n) === 0;
  }

  /** object ::= 'O' int value* | [x60-x6f] value* */
  private readInstance(index: number, start: number): HessianValue {
    if (index < 0 || index >= this.classes.length) {
      throw new HessianDecodeError(
        start,
        `a class definition index below ${this.classes.length}`,
        `class definition ${index} is not defined`,
      );
    }
    const def = this.classes[index];
    this.enter(start);
    const object = Object.create(def.proto) as HessianObject;
    const refIndex = this.refs.length;
    this.refs.push(object);
    const fields = def.fields;
    if (def.unsafeFields) {
      for (let i = 0; i < fields.length; i++) setField(object, fields[i], this.readValue());
    } else {
      for (let i = 0; i < fields.length; i++) object[fields[i]] = this.readValue();
    }
    this.depth--;
    if (def.special === Special.None) return object;
    const converted = convertSpecial(def.special, object);
    if (converted === undefined) return object;
    this.refs[refIndex] = converted;
    return converted;
  }
}

/** Assigns without letting a "__proto__" key replace the prototype. */
function setField(object: HessianObject, key: string, value: HessianValue): void {
  if (key === "__proto__") {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

function convertSpecial(special: Special, object: HessianObject): HessianValue | undefined {
  if (special === Special.BigDecimal) {
    const value = object.value;
    return typeof value === "string" ? new JavaBigDecimal(value) : undefined;
  }
  const signum = object.signum;
  const mag = object.mag;
  if (typeof signum !== "number" || !Array.isArray(mag)) return undefined;
  let magnitude = 0n;
  for (const word of mag) {
    if (typeof word !== "number") return undefined;
    magnitude = (magnitude << 32n) | BigInt(word >>> 0);
  }
  return new JavaBigInteger(signum < 0 ? -magnitude : magnitude);
}
