// Hessian 2.0 encoder: JavaScript values (and `java` markers) to bytes, laid out as Java's
// Hessian2Output writes them, so the bytes match what a Java peer would have sent for the same value.
//
// One encoder writes into one growable buffer. The reference table (shared and cyclic lists, maps and
// objects), the class-definition table and the type table live until `finish()` or `reset()`: a Dubbo2
// message writes several values (version, path, ..., arguments, attachments) through one Hessian2Output,
// so a class defined for the first argument is reused by the later ones. Start a new message with
// `finish()`.
//
// Large byte runs (binaries, and long strings buffer.transcode made, header included) are not copied into
// that buffer: the encoder notes where they go and `finish()` copies them once, straight into the message
// it returns. For a 256 KiB binary that is one copy instead of two; a message that is one transcoded string
// is returned as transcode made it, with no copy at all.

import {
  BC_BINARY,
  BC_BINARY_CHUNK,
  BC_BINARY_DIRECT,
  BC_BINARY_SHORT,
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
  BC_INT_BYTE_ZERO,
  BC_INT_SHORT_ZERO,
  BC_INT_ZERO,
  BC_LIST_DIRECT,
  BC_LIST_DIRECT_UNTYPED,
  BC_LIST_FIXED,
  BC_LIST_FIXED_UNTYPED,
  BC_LONG,
  BC_LONG_BYTE_ZERO,
  BC_LONG_INT,
  BC_LONG_SHORT_ZERO,
  BC_LONG_ZERO,
  BC_MAP,
  BC_MAP_UNTYPED,
  BC_NULL,
  BC_OBJECT,
  BC_OBJECT_DEF,
  BC_OBJECT_DIRECT,
  BC_REF,
  BC_STRING,
  BC_STRING_CHUNK,
  BC_STRING_SHORT,
  BC_TRUE,
  BINARY_CHUNK_SIZE,
  BINARY_DIRECT_MAX,
  BINARY_SHORT_MAX,
  INT_BYTE_MAX,
  INT_BYTE_MIN,
  INT_DIRECT_MAX,
  INT_DIRECT_MIN,
  INT_SHORT_MAX,
  INT_SHORT_MIN,
  LIST_DIRECT_MAX,
  LONG_BYTE_MAX,
  LONG_BYTE_MIN,
  LONG_DIRECT_MAX,
  LONG_DIRECT_MIN,
  LONG_SHORT_MAX,
  LONG_SHORT_MIN,
  OBJECT_DIRECT_MAX,
  STRING_CHUNK_SIZE,
  STRING_DIRECT_MAX,
  STRING_SHORT_MAX,
  TWO_POW_32,
} from "./constants.js";
import { HessianEncodeError } from "./errors.js";
import { JAVA_CLASS, JAVA_MAP_TYPE, JavaDouble, JavaLong, type JavaMarker, JavaValue } from "./java-types.js";
import {
  hasTranscode,
  mostlyNonAscii,
  TRANSCODE_MIN,
  transcodeCesu8,
  utf8IsCesu8,
} from "./native-strings.js";

export interface EncoderOptions {
  /** First size of the output buffer in bytes (default 8 KiB); it doubles as needed. */
  initialCapacity?: number;
  /** Deepest nesting of lists, maps and objects accepted (default 512). */
  maxDepth?: number;
}

/** A class definition written in a message: its index and field order. */
interface ClassEntry {
  /** The message (see Hessian2Encoder.generation) the entry belongs to; older entries are stale. */
  generation: number;
  index: number;
  fields: readonly string[];
  /** Another definition of the same class name with a different field set, same message. */
  next: ClassEntry | undefined;
}

/** Bytes of a whole 'C' definition, reusable in every message (it holds no references). */
interface CachedDefinition {
  readonly fields: readonly string[];
  readonly bytes: Buffer;
}

const DEFAULT_CAPACITY = 8 * 1024;
/** Above this size the buffer is dropped at reset, so one huge message does not pin memory forever. */
const RETAINED_CAPACITY_MAX = 4 * 1024 * 1024;
const DEFINITION_CACHE_MAX = 512;
const CLASS_TABLE_MAX = 4096;
/** Up to this many references are found by a linear scan; past it a Map is built. */
const LINEAR_REFS_MAX = 32;
/** Below this length a string is written by the JavaScript loop; above, natively when possible. */
const NATIVE_STRING_MIN = 64;
/** Byte runs at least this long are copied by `finish()` instead of into the buffer (see the top). */
const DEFER_MIN = 8 * 1024;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

const BIG_DECIMAL_CLASS = "java.math.BigDecimal";
const BIG_DECIMAL_FIELDS: readonly string[] = ["value"];
const BIG_INTEGER_CLASS = "java.math.BigInteger";
const BIG_INTEGER_FIELDS: readonly string[] = ["signum", "mag"];
const ENUM_FIELDS: readonly string[] = ["name"];
const JAVA_SET_CLASS = "java.util.HashSet";

function sameFields(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Hessian2Encoder {
  private buf: Buffer;
  private pos = 0;
  private readonly initialCapacity: number;
  private readonly maxDepth: number;
  private depth = 0;
  /**
   * Lists, maps and objects written in this message, indexed by reference number (null for the ones
   * written on our own behalf, like BigInteger's int[]: the reader counts them too). Small messages find
   * references by scanning this array; from LINEAR_REFS_MAX entries on, `refMap` takes over.
   */
  private refList: (object | null)[] = [];
  private refMap: Map<object, number> | undefined;
  /**
   * Class definitions by class name. Entries survive `reset()` and are recognised as stale by their
   * generation, so starting a message does not pay for clearing the table.
   */
  private classes = new Map<string, ClassEntry>();
  private classCount = 0;
  private generation = 0;
  private types = new Map<string, number>();
  private readonly definitionCache = new Map<string, CachedDefinition>();
  /**
   * Byte runs that belong in the message but not in `buf`: `deferred[i]` goes right before the byte
   * `buf[deferredAt[i]]`. They are the caller's binaries (hence: not changed until `finish()`) or buffers of
   * our own.
   */
  private deferred: Uint8Array[] = [];
  private deferredAt: number[] = [];
  private deferredBytes = 0;
  /** The last deferred run that is ours (a transcoded string): when it is the whole message, it is the result. */
  private ownRun: Buffer | undefined;

  constructor(options: EncoderOptions = {}) {
    this.initialCapacity = Math.max(64, options.initialCapacity ?? DEFAULT_CAPACITY);
    this.maxDepth = options.maxDepth ?? 512;
    this.buf = Buffer.allocUnsafe(this.initialCapacity);
  }

  /** Bytes written since the last `finish()` / `reset()`. */
  get length(): number {
    return this.pos + this.deferredBytes;
  }

  /**
   * Appends one value; the reference, class and type tables carry over to the next `write`. A binary of
   * 8 KiB or more is copied by `finish()`, not here: do not change its bytes in between.
   */
  write(value: unknown): this {
    try {
      this.writeValue(value);
    } catch (error) {
      // A half-written value would corrupt the rest of the message.
      this.reset();
      throw error;
    }
    return this;
  }

  /** Returns a copy of the bytes written since the last finish/reset, and starts a new message. */
  finish(): Buffer {
    const buf = this.buf;
    const end = this.pos;
    if (end === 0 && this.deferred.length === 1 && this.deferred[0] === this.ownRun) {
      const whole = this.ownRun;
      this.reset();
      return whole;
    }
    const out = Buffer.allocUnsafe(end + this.deferredBytes);
    if (this.deferred.length === 0) {
      out.set(buf.subarray(0, end));
      this.reset();
      return out;
    }
    let from = 0;
    let to = 0;
    for (let i = 0; i < this.deferred.length; i++) {
      const at = this.deferredAt[i];
      const run = this.deferred[i];
      to += buf.copy(out, to, from, at);
      out.set(run, to);
      to += run.length;
      from = at;
    }
    buf.copy(out, to, from, end);
    this.reset();
    return out;
  }

  /** Drops the bytes and the tables: the next `write` starts a new message. */
  reset(): void {
    this.pos = 0;
    this.depth = 0;
    // References hold the caller's objects: really drop them.
    if (this.refList.length > 0) this.refList.length = 0;
    this.refMap = undefined;
    if (this.deferred.length > 0) {
      this.deferred = [];
      this.deferredAt = [];
      this.deferredBytes = 0;
      this.ownRun = undefined;
    }
    if (this.classCount > 0) {
      this.generation++;
      this.classCount = 0;
      if (this.classes.size > CLASS_TABLE_MAX) this.classes.clear();
    }
    if (this.types.size > 0) this.types.clear();
    if (this.buf.length > RETAINED_CAPACITY_MAX) this.buf = Buffer.allocUnsafe(this.initialCapacity);
  }

  // ---- buffer management

  private ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  /** Puts `bytes` at the current position without copying them now (see `deferred`). */
  private defer(bytes: Uint8Array): void {
    this.deferred.push(bytes);
    this.deferredAt.push(this.pos);
    this.deferredBytes += bytes.length;
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  // ---- dispatch

  private writeValue(value: unknown): void {
    switch (typeof value) {
      case "string":
        this.writeString(value);
        return;
      case "number":
        this.writeNumber(value);
        return;
      case "boolean":
        this.ensure(1);
        this.buf[this.pos++] = value ? BC_TRUE : BC_FALSE;
        return;
      case "object":
        if (value === null) this.writeNull();
        else this.writeComposite(value);
        return;
      case "undefined":
        this.writeNull();
        return;
      case "bigint":
        this.writeLong(value);
        return;
      default:
        throw new HessianEncodeError(`cannot encode a ${typeof value} as Hessian`);
    }
  }

  private writeComposite(value: object): void {
    const proto: object | null = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      this.writeRecord(value as Record<string | symbol, unknown>, value);
      return;
    }
    if (Array.isArray(value)) {
      const cls = (value as { [JAVA_CLASS]?: unknown })[JAVA_CLASS];
      this.writeList(typeof cls === "string" ? cls : undefined, value, value);
      return;
    }
    if (value instanceof JavaValue) {
      this.writeMarker(value as JavaMarker);
      return;
    }
    if (value instanceof Date) {
      this.writeDate(value);
      return;
    }
    if (value instanceof Uint8Array) {
      this.writeBinary(value);
      return;
    }
    if (value instanceof Map) {
      const cls = (value as { [JAVA_CLASS]?: unknown })[JAVA_CLASS];
      this.writeMap(typeof cls === "string" ? cls : undefined, value, value);
      return;
    }
    if (value instanceof Set) {
      this.writeList(JAVA_SET_CLASS, [...value], value);
      return;
    }
    if (value instanceof ArrayBuffer) {
      this.writeBinary(new Uint8Array(value));
      return;
    }
    if (ArrayBuffer.isView(value)) {
      this.writeTypedArray(value);
      return;
    }
    // Decoded objects and typed maps (their class sits on a shared prototype, see java-types.ts), and class
    // instances: their own enumerable fields, as a Java object when tagged, else as a map.
    this.writeRecord(value as Record<string | symbol, unknown>, value);
  }

  private writeRecord(record: Record<string | symbol, unknown>, identity: object): void {
    const cls = record[JAVA_CLASS];
    if (typeof cls === "string") {
      this.writeObject(cls, record, Object.keys(record), identity);
      return;
    }
    const mapType = record[JAVA_MAP_TYPE];
    this.writeRecordMap(typeof mapType === "string" ? mapType : undefined, record, identity);
  }

  private writeMarker(marker: JavaMarker): void {
    switch (marker.kind) {
      case "int":
        this.writeInt(marker.value);
        return;
      case "long":
        this.writeLong(marker.value);
        return;
      case "double":
        this.writeDouble(marker.value);
        return;
      case "char":
        this.writeString(marker.value);
        return;
      case "object":
        this.writeObject(marker.className, marker.fields, Object.keys(marker.fields), marker);
        return;
      case "list":
        this.writeList(marker.className, marker.items, marker);
        return;
      case "map":
        if (marker.entries instanceof Map) this.writeMap(marker.className, marker.entries, marker);
        else this.writeRecordMap(marker.className, marker.entries as Record<string, unknown>, marker);
        return;
      case "enum":
        if (this.writeRefIfSeen(marker)) return;
        this.beginObject(marker.className, ENUM_FIELDS);
        this.writeString(marker.name);
        return;
      case "bigDecimal":
        if (this.writeRefIfSeen(marker)) return;
        this.beginObject(BIG_DECIMAL_CLASS, BIG_DECIMAL_FIELDS);
        this.writeString(marker.value);
        return;
      case "bigInteger":
        if (this.writeRefIfSeen(marker)) return;
        this.beginObject(BIG_INTEGER_CLASS, BIG_INTEGER_FIELDS);
        this.writeBigIntegerFields(marker.value);
        return;
    }
  }

  // ---- scalars

  private writeNull(): void {
    this.ensure(1);
    this.buf[this.pos++] = BC_NULL;
  }

  private writeNumber(value: number): void {
    if ((value | 0) === value) this.writeInt(value);
    else if (Number.isSafeInteger(value)) this.writeLong(value);
    else this.writeDouble(value);
  }

  /** `value` must be an int32. */
  private writeInt(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    if (value >= INT_DIRECT_MIN && value <= INT_DIRECT_MAX) {
      buf[p++] = value + BC_INT_ZERO;
    } else if (value >= INT_BYTE_MIN && value <= INT_BYTE_MAX) {
      buf[p++] = BC_INT_BYTE_ZERO + (value >> 8);
      buf[p++] = value & 0xff;
    } else if (value >= INT_SHORT_MIN && value <= INT_SHORT_MAX) {
      buf[p++] = BC_INT_SHORT_ZERO + (value >> 16);
      buf[p++] = (value >> 8) & 0xff;
      buf[p++] = value & 0xff;
    } else {
      buf[p++] = BC_INT;
      buf[p++] = value >>> 24;
      buf[p++] = (value >> 16) & 0xff;
      buf[p++] = (value >> 8) & 0xff;
      buf[p++] = value & 0xff;
    }
    this.pos = p;
  }

  /** A number must be a safe integer; a bigint must fit 64 bits. */
  private writeLong(value: number | bigint): void {
    if (typeof value === "bigint") {
      if (value >= -0x80000000n && value <= 0x7fffffffn) {
        this.writeLong(Number(value));
        return;
      }
      if (value < LONG_MIN || value > LONG_MAX) {
        throw new HessianEncodeError(`bigint ${value} does not fit a Java long; use java.bigInteger()`);
      }
      this.ensure(9);
      this.buf[this.pos] = BC_LONG;
      this.buf.writeBigInt64BE(value, this.pos + 1);
      this.pos += 9;
      return;
    }
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    if (value >= LONG_DIRECT_MIN && value <= LONG_DIRECT_MAX) {
      buf[p++] = value + BC_LONG_ZERO;
    } else if (value >= LONG_BYTE_MIN && value <= LONG_BYTE_MAX) {
      buf[p++] = BC_LONG_BYTE_ZERO + (value >> 8);
      buf[p++] = value & 0xff;
    } else if (value >= LONG_SHORT_MIN && value <= LONG_SHORT_MAX) {
      buf[p++] = BC_LONG_SHORT_ZERO + (value >> 16);
      buf[p++] = (value >> 8) & 0xff;
      buf[p++] = value & 0xff;
    } else if (value >= -0x80000000 && value <= 0x7fffffff) {
      buf[p++] = BC_LONG_INT;
      buf[p++] = value >>> 24;
      buf[p++] = (value >> 16) & 0xff;
      buf[p++] = (value >> 8) & 0xff;
      buf[p++] = value & 0xff;
    } else {
      buf[p++] = BC_LONG;
      p = writeInt64(buf, p, value);
    }
    this.pos = p;
  }

  /** Java's Hessian2Output.writeDouble, case by case, so the chosen form is byte-identical. */
  private writeDouble(value: number): void {
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    const int = value | 0;
    if (int === value) {
      if (int === 0) {
        buf[p] = BC_DOUBLE_ZERO;
        this.pos = p + 1;
        return;
      }
      if (int === 1) {
        buf[p] = BC_DOUBLE_ONE;
        this.pos = p + 1;
        return;
      }
      if (int >= -0x80 && int < 0x80) {
        buf[p] = BC_DOUBLE_BYTE;
        buf[p + 1] = int & 0xff;
        this.pos = p + 2;
        return;
      }
      if (int >= -0x8000 && int < 0x8000) {
        buf[p] = BC_DOUBLE_SHORT;
        buf[p + 1] = (int >> 8) & 0xff;
        buf[p + 2] = int & 0xff;
        this.pos = p + 3;
        return;
      }
    }
    // Java: `int mills = (int) (value * 1000); if (0.001 * mills == value)`. Math.trunc plus the range
    // check reproduces the saturating cast for every value that can pass the equality test.
    const mills = Math.trunc(value * 1000);
    if (mills >= -0x80000000 && mills <= 0x7fffffff && 0.001 * mills === value) {
      buf[p++] = BC_DOUBLE_MILL;
      buf[p++] = mills >>> 24;
      buf[p++] = (mills >> 16) & 0xff;
      buf[p++] = (mills >> 8) & 0xff;
      buf[p++] = mills & 0xff;
      this.pos = p;
      return;
    }
    buf[p] = BC_DOUBLE;
    buf.writeDoubleBE(value, p + 1);
    this.pos = p + 9;
  }

  private writeDate(date: Date): void {
    const ms = date.getTime();
    if (Number.isNaN(ms)) throw new HessianEncodeError("cannot encode an invalid Date");
    this.ensure(9);
    const buf = this.buf;
    let p = this.pos;
    if (ms % 60000 === 0) {
      const minutes = ms / 60000;
      if (minutes >= -0x80000000 && minutes <= 0x7fffffff) {
        buf[p++] = BC_DATE_MINUTE;
        buf[p++] = minutes >>> 24;
        buf[p++] = (minutes >> 16) & 0xff;
        buf[p++] = (minutes >> 8) & 0xff;
        buf[p++] = minutes & 0xff;
        this.pos = p;
        return;
      }
    }
    buf[p++] = BC_DATE;
    this.pos = writeInt64(buf, p, ms);
  }

  // ---- strings

  private writeString(value: string): void {
    let length = value.length;
    if (length <= STRING_DIRECT_MAX) {
      // The common case in one go: one-byte header, then the units.
      this.ensure(1 + length * 3);
      this.buf[this.pos++] = length;
      this.writeUnits(value, 0, length);
      return;
    }
    if (length <= STRING_CHUNK_SIZE) {
      this.writeChunk(BC_STRING, value, 0, length, value);
      return;
    }
    // Long strings go out in 32768-unit chunks like Java's, and a chunk never ends between the two halves
    // of a surrogate pair.
    let start = 0;
    while (length > STRING_CHUNK_SIZE) {
      let sub = STRING_CHUNK_SIZE;
      const tail = value.charCodeAt(start + sub - 1);
      if (tail >= 0xd800 && tail <= 0xdbff) sub--;
      this.writeChunk(BC_STRING_CHUNK, value, start, start + sub, undefined);
      start += sub;
      length -= sub;
    }
    this.writeChunk(BC_STRING, value, start, start + length, undefined);
  }

  /**
   * One chunk of a string: units [start, end) after their header, 'R' (code BC_STRING_CHUNK) or the final
   * chunk's shortest form (code BC_STRING). `whole` is the string when [start, end) covers it all.
   */
  private writeChunk(
    code: number,
    value: string,
    start: number,
    end: number,
    whole: string | undefined,
  ): void {
    const count = end - start;
    let text = whole;
    if (count >= TRANSCODE_MIN && hasTranscode) {
      text ??= value.slice(start, end);
      if (mostlyNonAscii(text)) {
        // The header goes in the room transcode leaves in front: a message that is this string alone is
        // then that very buffer, which finish() returns without a copy. (2048+ units: always 3 bytes.)
        const bytes = transcodeCesu8(text, 3);
        if (bytes !== undefined) {
          bytes[0] = code;
          bytes[1] = count >> 8;
          bytes[2] = count & 0xff;
          this.defer(bytes);
          this.ownRun = bytes;
          return;
        }
      }
    }
    if (code === BC_STRING) {
      this.writeStringHeader(count);
    } else {
      this.ensure(3);
      this.buf[this.pos++] = BC_STRING_CHUNK;
      this.buf[this.pos++] = count >> 8;
      this.buf[this.pos++] = count & 0xff;
    }
    this.writeChars(value, start, end, text);
  }

  private writeStringHeader(length: number): void {
    this.ensure(3);
    const buf = this.buf;
    if (length <= STRING_DIRECT_MAX) {
      buf[this.pos++] = length;
    } else if (length <= STRING_SHORT_MAX) {
      buf[this.pos++] = BC_STRING_SHORT + (length >> 8);
      buf[this.pos++] = length & 0xff;
    } else {
      buf[this.pos++] = BC_STRING;
      buf[this.pos++] = length >> 8;
      buf[this.pos++] = length & 0xff;
    }
  }

  /**
   * Writes UTF-16 units [start, end) (at most one chunk) the way Java's printString does: each unit on its
   * own as 1-3 UTF-8 bytes, so a supplementary character becomes two 3-byte surrogate sequences (CESU-8).
   * Java's reader rejects 4-byte UTF-8, so Buffer#write is only trusted where its output shows no
   * surrogates (native-strings.ts). `text` is the units as a string when the caller has it (no slice).
   */
  private writeChars(value: string, start: number, end: number, text: string | undefined): void {
    const count = end - start;
    this.ensure(count * 3);
    if (count >= NATIVE_STRING_MIN) {
      const written = this.buf.write(text ?? value.slice(start, end), this.pos, "utf8");
      // As many bytes as units: all ASCII, nothing to check.
      if (written === count || utf8IsCesu8(this.buf.subarray(this.pos, this.pos + written))) {
        this.pos += written;
        return;
      }
    }
    this.writeUnits(value, start, end);
  }

  /** The JavaScript loop of writeChars; the caller has ensured 3 bytes per unit. */
  private writeUnits(value: string, start: number, end: number): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = start; i < end; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x80) {
        buf[p++] = c;
      } else if (c < 0x800) {
        buf[p++] = 0xc0 | (c >> 6);
        buf[p++] = 0x80 | (c & 0x3f);
      } else {
        buf[p++] = 0xe0 | (c >> 12);
        buf[p++] = 0x80 | ((c >> 6) & 0x3f);
        buf[p++] = 0x80 | (c & 0x3f);
      }
    }
    this.pos = p;
  }

  // ---- binary

  private writeBinary(bytes: Uint8Array): void {
    let offset = 0;
    let length = bytes.length;
    while (length > BINARY_CHUNK_SIZE) {
      this.ensure(3);
      this.buf[this.pos++] = BC_BINARY_CHUNK;
      this.buf[this.pos++] = BINARY_CHUNK_SIZE >> 8;
      this.buf[this.pos++] = BINARY_CHUNK_SIZE & 0xff;
      this.defer(bytes.subarray(offset, offset + BINARY_CHUNK_SIZE));
      offset += BINARY_CHUNK_SIZE;
      length -= BINARY_CHUNK_SIZE;
    }
    if (length >= DEFER_MIN) {
      this.ensure(3);
      this.buf[this.pos++] = BC_BINARY;
      this.buf[this.pos++] = length >> 8;
      this.buf[this.pos++] = length & 0xff;
      this.defer(offset === 0 ? bytes : bytes.subarray(offset));
      return;
    }
    this.ensure(3 + length);
    const buf = this.buf;
    if (length <= BINARY_DIRECT_MAX) {
      buf[this.pos++] = BC_BINARY_DIRECT + length;
    } else if (length <= BINARY_SHORT_MAX) {
      buf[this.pos++] = BC_BINARY_SHORT + (length >> 8);
      buf[this.pos++] = length & 0xff;
    } else {
      buf[this.pos++] = BC_BINARY;
      buf[this.pos++] = length >> 8;
      buf[this.pos++] = length & 0xff;
    }
    if (length > 0) {
      buf.set(
        offset === 0 && length === bytes.length ? bytes : bytes.subarray(offset, offset + length),
        this.pos,
      );
      this.pos += length;
    }
  }

  /** Typed arrays as the Java primitive arrays they correspond to (Java has no unsigned types). */
  private writeTypedArray(view: ArrayBufferView): void {
    if (view instanceof Int8Array) {
      this.writeBinary(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    } else if (view instanceof Int16Array) {
      this.writeList("[short", Array.from(view), view);
    } else if (view instanceof Int32Array) {
      this.writeList("[int", Array.from(view), view);
    } else if (view instanceof BigInt64Array) {
      // Java writes every element of a long[] as a long, small ones included.
      this.writeList(
        "[long",
        Array.from(view, (n) => new JavaLong(n)),
        view,
      );
    } else if (view instanceof Float32Array || view instanceof Float64Array) {
      // Likewise doubles: 1.0 stays a double, not the int 1.
      const type = view instanceof Float32Array ? "[float" : "[double";
      this.writeList(
        type,
        Array.from(view, (n) => new JavaDouble(n, "double")),
        view,
      );
    } else {
      throw new HessianEncodeError(
        `cannot encode a ${view.constructor.name}: Java arrays map from Int8/16/32, BigInt64 and Float32/64 arrays`,
      );
    }
  }

  // ---- references and nesting

  /** Writes 'Q' for a value already written in this message; otherwise registers it and returns false. */
  private writeRefIfSeen(identity: object): boolean {
    const list = this.refList;
    let ref = -1;
    if (this.refMap !== undefined) {
      const found = this.refMap.get(identity);
      if (found !== undefined) ref = found;
      else this.refMap.set(identity, list.length);
    } else {
      for (let i = 0; i < list.length; i++) {
        if (list[i] === identity) {
          ref = i;
          break;
        }
      }
      if (ref < 0 && list.length >= LINEAR_REFS_MAX) {
        const map = new Map<object, number>();
        for (let i = 0; i < list.length; i++) {
          const seen = list[i];
          if (seen !== null) map.set(seen, i);
        }
        map.set(identity, list.length);
        this.refMap = map;
      }
    }
    if (ref >= 0) {
      this.ensure(1);
      this.buf[this.pos++] = BC_REF;
      this.writeInt(ref);
      return true;
    }
    list.push(identity);
    return false;
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) {
      throw new HessianEncodeError(`value nested deeper than maxDepth (${this.maxDepth})`);
    }
  }

  private writeType(type: string): void {
    const ref = this.types.get(type);
    if (ref !== undefined) {
      this.writeInt(ref);
    } else {
      this.types.set(type, this.types.size);
      this.writeString(type);
    }
  }

  // ---- lists

  private writeList(type: string | undefined, items: readonly unknown[], identity: object | undefined): void {
    if (identity !== undefined) {
      if (this.writeRefIfSeen(identity)) return;
    } else {
      this.refList.push(null);
    }
    this.enter();
    const length = items.length;
    this.ensure(1);
    if (type === undefined) {
      if (length <= LIST_DIRECT_MAX) {
        this.buf[this.pos++] = BC_LIST_DIRECT_UNTYPED + length;
      } else {
        this.buf[this.pos++] = BC_LIST_FIXED_UNTYPED;
        this.writeInt(length);
      }
    } else if (length <= LIST_DIRECT_MAX) {
      this.buf[this.pos++] = BC_LIST_DIRECT + length;
      this.writeType(type);
    } else {
      this.buf[this.pos++] = BC_LIST_FIXED;
      this.writeType(type);
      this.writeInt(length);
    }
    for (let i = 0; i < length; i++) this.writeValue(items[i]);
    this.depth--;
  }

  // ---- maps

  private writeMapHeader(type: string | undefined): void {
    this.ensure(1);
    if (type === undefined) {
      this.buf[this.pos++] = BC_MAP_UNTYPED;
    } else {
      this.buf[this.pos++] = BC_MAP;
      this.writeType(type);
    }
  }

  private writeMap(type: string | undefined, map: ReadonlyMap<unknown, unknown>, identity: object): void {
    if (this.writeRefIfSeen(identity)) return;
    this.enter();
    this.writeMapHeader(type);
    for (const [key, value] of map) {
      this.writeValue(key);
      this.writeValue(value);
    }
    this.ensure(1);
    this.buf[this.pos++] = BC_END;
    this.depth--;
  }

  private writeRecordMap(type: string | undefined, record: Record<string, unknown>, identity: object): void {
    if (this.writeRefIfSeen(identity)) return;
    this.enter();
    this.writeMapHeader(type);
    // for-in walks V8's enum cache without allocating a key array; the hasOwn check keeps inherited
    // enumerable properties (a class instance's prototype could have some) out.
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      this.writeString(key);
      this.writeValue(record[key]);
    }
    this.ensure(1);
    this.buf[this.pos++] = BC_END;
    this.depth--;
  }

  // ---- objects

  private writeObject(
    className: string,
    record: Record<string, unknown>,
    fields: string[],
    identity: object,
  ): void {
    if (this.writeRefIfSeen(identity)) return;
    this.enter();
    this.beginObject(className, fields);
    for (let i = 0; i < fields.length; i++) this.writeValue(record[fields[i]]);
    this.depth--;
  }

  /**
   * Writes the class definition when this (class, field list) is new in the message, then the instance
   * header. A class seen again with another field set gets a definition of its own: Hessian numbers
   * definitions, not class names, and Java matches fields by name.
   */
  private beginObject(className: string, fields: readonly string[]): void {
    const generation = this.generation;
    const first = this.classes.get(className);
    let entry = first !== undefined && first.generation === generation ? first : undefined;
    while (entry !== undefined && !sameFields(entry.fields, fields)) entry = entry.next;
    let index: number;
    if (entry !== undefined) {
      index = entry.index;
    } else {
      index = this.classCount++;
      if (first === undefined) {
        this.classes.set(className, { generation, index, fields, next: undefined });
      } else if (first.generation !== generation) {
        // Stale entry from an earlier message: reuse it.
        first.generation = generation;
        first.index = index;
        first.fields = fields;
        first.next = undefined;
      } else {
        first.next = { generation, index, fields, next: first.next };
      }
      this.writeDefinition(className, fields);
    }
    this.ensure(1);
    if (index <= OBJECT_DIRECT_MAX) {
      this.buf[this.pos++] = BC_OBJECT_DIRECT + index;
    } else {
      this.buf[this.pos++] = BC_OBJECT;
      this.writeInt(index);
    }
  }

  private writeDefinition(className: string, fields: readonly string[]): void {
    const cached = this.definitionCache.get(className);
    if (cached !== undefined && sameFields(cached.fields, fields)) {
      this.ensure(cached.bytes.length);
      this.buf.set(cached.bytes, this.pos);
      this.pos += cached.bytes.length;
      return;
    }
    const start = this.pos;
    const deferred = this.deferred.length;
    this.ensure(1);
    this.buf[this.pos++] = BC_OBJECT_DEF;
    this.writeString(className);
    this.writeInt(fields.length);
    for (let i = 0; i < fields.length; i++) this.writeString(fields[i]);
    // A name long enough to be deferred is not all in `buf`; such a definition is not worth caching.
    if (this.deferred.length !== deferred) return;
    if (this.definitionCache.size >= DEFINITION_CACHE_MAX) this.definitionCache.clear();
    this.definitionCache.set(className, {
      fields: fields.slice(),
      bytes: Buffer.from(this.buf.subarray(start, this.pos)),
    });
  }

  /** BigInteger as its bean fields: signum (int), then mag, the big-endian int32 words of |value|. */
  private writeBigIntegerFields(value: bigint): void {
    const signum = value < 0n ? -1 : value > 0n ? 1 : 0;
    let magnitude = value < 0n ? -value : value;
    const words: number[] = [];
    while (magnitude > 0n) {
      words.push(Number(BigInt.asIntN(32, magnitude & 0xffffffffn)));
      magnitude >>= 32n;
    }
    words.reverse();
    this.writeInt(signum);
    this.writeList("[int", words, undefined);
  }
}

/** Writes a safe integer as 8 big-endian bytes (two's complement); returns the new position. */
function writeInt64(buf: Buffer, p: number, value: number): number {
  const high = Math.floor(value / TWO_POW_32);
  const low = value - high * TWO_POW_32;
  buf[p++] = (high >>> 24) & 0xff;
  buf[p++] = (high >> 16) & 0xff;
  buf[p++] = (high >> 8) & 0xff;
  buf[p++] = high & 0xff;
  buf[p++] = low >>> 24;
  buf[p++] = (low >>> 16) & 0xff;
  buf[p++] = (low >>> 8) & 0xff;
  buf[p++] = low & 0xff;
  return p;
}
