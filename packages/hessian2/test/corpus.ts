// The test corpus, kept apart from the tests so other suites (Java interop through hessian-lite, the
// Dubbo2 codec, benchmarks) can reuse it.
//
// WIRE_VECTORS: byte-exact vectors. `write` values go through one encoder (one message) and must produce
// exactly `bytes`; `bytes` must decode to `read`. Vectors without `write` are valid but non-canonical
// forms (Java never writes them, other writers may) and are decode-only. Sources:
//   spec  - the examples of hessian.caucho.com/doc/hessian-serialization.html, section by section
//   java  - what Java's Hessian2Output (Caucho 4.0.x / dubbo hessian-lite) writes for that value,
//           derived from its code (writeInt/writeLong/writeDouble/writeString/..., serializers)
//
// CROSS_VALUES: values written in both vocabularies, ours and hessian.js's ({$class, $}), for the
// round trips between the two implementations.

import type { DecoderOptions } from "../src/index.js";
import { java } from "../src/index.js";
import { cesu, hex, obj, typedList, typedMap } from "./helpers.js";

export interface WireVector {
  name: string;
  source: "spec" | "java";
  bytes: Buffer;
  /** Values written, in order, through one encoder; absent for decode-only vectors. */
  write?: unknown[];
  /** Values the bytes decode to, in order. */
  read: unknown[];
  decodeOptions?: DecoderOptions;
}

function v(
  name: string,
  source: WireVector["source"],
  bytes: string | Buffer,
  write: unknown[] | undefined,
  read: unknown[],
  decodeOptions?: DecoderOptions,
): WireVector {
  return { name, source, bytes: typeof bytes === "string" ? hex(bytes) : bytes, write, read, decodeOptions };
}

/** The same value written and read (the common case). */
function same(
  name: string,
  source: WireVector["source"],
  bytes: string | Buffer,
  value: unknown,
): WireVector {
  return v(name, source, bytes, [value], [value]);
}

function repeat(byte: number, count: number): Buffer {
  return Buffer.alloc(count, byte);
}

function cat(...parts: (string | Buffer)[]): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === "string" ? hex(p) : p)));
}

function utf8(text: string): Buffer {
  return Buffer.from(text, "utf8");
}

function ascii(n: number, char = "a"): string {
  return char.repeat(n);
}

/** n CJK characters (3 bytes each), not all the same. */
function cjk(n: number): string {
  return "服务网格中的每个服务都有自己的边车代理。".repeat(Math.ceil(n / 20)).slice(0, n);
}

const linkedList = obj("LinkedList", { head: 1, tail: null });
linkedList.tail = linkedList;
const shared = { x: 1 };
const sharedList = [shared, shared];

const bigBinary = Buffer.from(Array.from({ length: 32769 }, (_, i) => i & 0xff));
const binary4k = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) & 0xff));
const seventeenClasses = Array.from({ length: 17 }, (_, i) => java.object(`c.C${i}`, { f: i }));

export const WIRE_VECTORS: readonly WireVector[] = [
  // ---- null, boolean (4.9, 4.2.1)
  same("null", "spec", "4e", null),
  same("true", "spec", "54", true),
  same("false", "spec", "46", false),

  // ---- int (4.5.4)
  same("int 0", "spec", "90", 0),
  same("int -16", "spec", "80", -16),
  same("int 47", "spec", "bf", 47),
  v("int 0 two-octet", "spec", "c8 00", undefined, [0]),
  same("int -2048", "spec", "c0 00", -2048),
  same("int -256", "spec", "c7 00", -256),
  same("int 2047", "spec", "cf ff", 2047),
  v("int 0 three-octet", "spec", "d4 00 00", undefined, [0]),
  same("int -262144", "spec", "d0 00 00", -262144),
  same("int 262143", "spec", "d7 ff ff", 262143),
  v("int 0 long form", "spec", "49 00 00 00 00", undefined, [0]),
  v("int 300 long form", "spec", "49 00 00 01 2c", undefined, [300]),
  same("int 300", "java", "c9 2c", 300),
  same("int 48", "java", "c8 30", 48),
  same("int -17", "java", "c7 ef", -17),
  same("int 262144", "java", "49 00 04 00 00", 262144),
  same("int -262145", "java", "49 ff fb ff ff", -262145),
  same("int max", "java", "49 7f ff ff ff", 2147483647),
  same("int min", "java", "49 80 00 00 00", -2147483648),
  v("java.short", "java", "d3 80 00", [java.short(-32768)], [-32768]),
  v("java.byte", "java", "c7 80", [java.byte(-128)], [-128]),

  // ---- long (4.7.5)
  v("long 0", "spec", "e0", [java.long(0)], [0]),
  v("long -8", "spec", "d8", [java.long(-8)], [-8]),
  v("long 15", "spec", "ef", [java.long(15)], [15]),
  v("long 0 two-octet", "spec", "f8 00", undefined, [0]),
  v("long -2048", "spec", "f0 00", [java.long(-2048)], [-2048]),
  v("long -256", "spec", "f7 00", [java.long(-256)], [-256]),
  v("long 2047", "spec", "ff ff", [java.long(2047)], [2047]),
  v("long 0 three-octet", "spec", "3c 00 00", undefined, [0]),
  v("long -262144", "spec", "38 00 00", [java.long(-262144)], [-262144]),
  v("long 262143", "spec", "3f ff ff", [java.long(262143)], [262143]),
  v("long 0 four-octet", "spec", "59 00 00 00 00", undefined, [0]),
  v("long 300 four-octet", "spec", "59 00 00 01 2c", undefined, [300]),
  v("long 300 eight-octet", "spec", "4c 00 00 00 00 00 00 01 2c", undefined, [300]),
  v("long 300", "java", "f9 2c", [java.long(300)], [300]),
  v("long 262144", "java", "59 00 04 00 00", [java.long(262144)], [262144]),
  same("long 2^31 from a number", "java", "4c 00 00 00 00 80 00 00 00", 2147483648),
  same("long -2^31-1 from a number", "java", "4c ff ff ff ff 7f ff ff ff", -2147483649),
  same("long 2^53-1", "java", "4c 00 1f ff ff ff ff ff ff", Number.MAX_SAFE_INTEGER),
  same("long -(2^53-1)", "java", "4c ff e0 00 00 00 00 00 01", Number.MIN_SAFE_INTEGER),
  same("long 2^53 as bigint", "java", "4c 00 20 00 00 00 00 00 00", 2n ** 53n),
  same("long max", "java", "4c 7f ff ff ff ff ff ff ff", 2n ** 63n - 1n),
  same("long min", "java", "4c 80 00 00 00 00 00 00 00", -(2n ** 63n)),
  v("long small bigint", "java", "e5", [5n], [5]),
  v("long as bigint", "java", "e5", [java.long(5)], [5n], { longs: "bigint" }),
  v("long 4-octet as bigint", "java", "59 00 04 00 00", [java.long(262144)], [262144n], { longs: "bigint" }),

  // ---- double (4.4.6); x5f is Java's int32 "mills" form
  v("double 0.0", "spec", "5b", [java.double(0)], [0]),
  v("double 1.0", "spec", "5c", [java.double(1)], [1]),
  v("double 0.0 octet", "spec", "5d 00", undefined, [0]),
  v("double -128.0", "spec", "5d 80", [java.double(-128)], [-128]),
  v("double 127.0", "spec", "5d 7f", [java.double(127)], [127]),
  v("double 0.0 short", "spec", "5e 00 00", undefined, [0]),
  v("double -32768.0", "spec", "5e 80 00", [java.double(-32768)], [-32768]),
  v("double 32767.0", "spec", "5e 7f ff", [java.double(32767)], [32767]),
  v("double 12.25 full", "spec", "44 40 28 80 00 00 00 00 00", undefined, [12.25]),
  same("double 12.25", "java", "5f 00 00 2f da", 12.25),
  same("double 0.1", "java", "5f 00 00 00 64", 0.1),
  same("double -0.5", "java", "5f ff ff fe 0c", -0.5),
  v("double 32768.0", "java", "5f 01 f4 00 00", [java.double(32768)], [32768]),
  v("double mills min", "java", "5f 80 00 00 00", undefined, [-2147483.648]),
  same("double pi", "java", "44 40 09 21 fb 54 44 2d 18", Math.PI),
  same("double 1e300", "java", "44 7e 37 e4 3c 88 00 75 9c", 1e300),
  same("double NaN", "java", "44 7f f8 00 00 00 00 00 00", Number.NaN),
  same("double +Infinity", "java", "44 7f f0 00 00 00 00 00 00", Number.POSITIVE_INFINITY),
  same("double -Infinity", "java", "44 ff f0 00 00 00 00 00 00", Number.NEGATIVE_INFINITY),
  v("float 1.1 widened", "java", "44 3f f1 99 99 a0 00 00 00", [java.float(1.1)], [Math.fround(1.1)]),
  v("float 0.5", "java", "5f 00 00 01 f4", [java.float(0.5)], [0.5]),

  // ---- date (4.3.2)
  same("date ms", "spec", "4a 00 00 00 d0 4b 92 84 b8", new Date(Date.UTC(1998, 4, 8, 9, 51, 31))),
  same("date minutes", "spec", "4b 00 e3 83 8f", new Date(Date.UTC(1998, 4, 8, 9, 51, 0))),
  same("date epoch", "java", "4b 00 00 00 00", new Date(0)),
  same("date before epoch", "java", "4a ff ff ff ff ff ff ff ff", new Date(-1)),
  same("date minutes before epoch", "java", "4b ff ff ff ff", new Date(-60000)),

  // ---- string (4.12.2); lengths count UTF-16 units, supplementary characters are two 3-byte surrogates
  same("string empty", "spec", "00", ""),
  same("string hello", "spec", '05 "hello"', "hello"),
  same("string U+00C3", "spec", "01 c3 83", "\u00c3"),
  v("string S form", "spec", '53 00 05 "hello"', undefined, ["hello"]),
  v("string two chunks", "spec", '52 00 07 "hello, " 05 "world"', undefined, ["hello, world"]),
  same("string 31", "java", cat("1f", utf8(ascii(31))), ascii(31)),
  same("string 32", "java", cat("30 20", utf8(ascii(32))), ascii(32)),
  same("string 1023", "java", cat("33 ff", utf8(ascii(1023))), ascii(1023)),
  same("string 1024", "java", cat("53 04 00", utf8(ascii(1024))), ascii(1024)),
  same("string 32768", "java", cat("53 80 00", utf8(ascii(32768))), ascii(32768)),
  same(
    "string 32769 chunked",
    "java",
    cat("52 80 00", utf8(ascii(32768)), "01", utf8("b")),
    ascii(32768) + "b",
  ),
  same(
    "string 65537 chunked",
    "java",
    cat("52 80 00", utf8(ascii(32768)), "52 80 00", utf8(ascii(32768)), "01 63"),
    `${ascii(65536)}c`,
  ),
  same("string 2-byte chars", "java", "02 c3 a9 d0 b6", "éж"),
  same("string 3-byte chars", "java", "02 e4 b8 ad e6 96 87", "中文"),
  same("string emoji as surrogates", "java", "02 ed a0 bd ed b8 80", "😀"),
  same("string mixed", "java", "05 61 ed a0 bd ed b8 80 62 e2 82 ac", "a😀b€"),
  same("string lone surrogate", "java", "01 ed b0 80", "\udc00"),
  same("string NUL", "java", "01 00", "\u0000"),
  same(
    "string chunk never splits a surrogate pair",
    "java",
    cat("52 7f ff", utf8(ascii(32767)), "03 ed a0 bd ed b8 80 62"),
    `${ascii(32767)}😀b`,
  ),
  v("string 4-byte UTF-8 accepted", "java", "02 f0 9f 98 80", undefined, ["😀"]),
  v("string overlong NUL accepted", "java", "01 c0 80", undefined, ["\u0000"]),
  v("string compact chunk after R", "java", '52 00 02 "ab" 30 21 "' + ascii(33, "c") + '"', undefined, [
    `ab${ascii(33, "c")}`,
  ]),
  same("string 64 ASCII (native path)", "java", cat("30 40", utf8(ascii(64))), ascii(64)),
  same("string 100 non-ASCII", "java", cat("30 64", utf8("é".repeat(100))), "é".repeat(100)),
  same("string 200 CJK (unit path)", "java", cat("30 c8", utf8("中文".repeat(100))), "中文".repeat(100)),
  same(
    "string 300 with surrogates (unit path)",
    "java",
    cat("31 2c", cesu("a😀".repeat(100))),
    "a😀".repeat(100),
  ),
  same(
    "string 40 mixed (plain path)",
    "java",
    cat("30 28", cesu("é".repeat(20) + "x".repeat(20))),
    "é".repeat(20) + "x".repeat(20),
  ),
  // Long strings go through native encoders (native-strings.ts), whose output must still be Java's byte for
  // byte: mostly non-ASCII text through ICU, the rest through Buffer#write, both checked for surrogates.
  same("string 16384 CJK (ICU path)", "java", cat("53 40 00", cesu(cjk(16384))), cjk(16384)),
  same(
    "string 32769 CJK chunked (ICU path)",
    "java",
    cat("52 80 00", cesu(cjk(32768)), "01", cesu("中")),
    `${cjk(32768)}中`,
  ),
  same(
    "string CJK chunk never splits a surrogate pair (ICU path)",
    "java",
    cat("52 7f ff", cesu(cjk(32767)), "03", cesu("😀中")),
    `${cjk(32767)}😀中`,
  ),
  same(
    "string CJK with a lone surrogate (ICU refuses it)",
    "java",
    cat("53 0b c3", cesu(`${cjk(3000)}\ud800${cjk(10)}`)),
    `${cjk(3000)}\ud800${cjk(10)}`,
  ),
  same(
    "string CJK with a variation selector (4-byte UTF-8 lead F3)",
    "java",
    cat("53 0b b9", cesu(`${cjk(2999)}\u{E0100}`)),
    `${cjk(2999)}\u{E0100}`,
  ),
  same(
    "string CJK with a plane-16 character (4-byte UTF-8 lead F4)",
    "java",
    cat("53 09 c7", cesu(`${cjk(2500)}\u{10FFFD}中`)),
    `${cjk(2500)}\u{10FFFD}中`,
  ),
  same(
    "string CJK with U+FFFD (ICU path)",
    "java",
    cat("53 0b b9", cesu(`${cjk(3000)}\ufffd`)),
    `${cjk(3000)}\ufffd`,
  ),
  same("string 4096 Cyrillic (ICU path)", "java", cat("53 10 00", cesu("ж".repeat(4096))), "ж".repeat(4096)),
  same(
    "string ASCII with U+FFFD (native path)",
    "java",
    cat("30 65", cesu(`${ascii(100)}\ufffd`)),
    `${ascii(100)}\ufffd`,
  ),
  same(
    "string ASCII with a lone surrogate (native path)",
    "java",
    cat("30 65", cesu(`${ascii(100)}\udc00`)),
    `${ascii(100)}\udc00`,
  ),
  same(
    "string ASCII with an emoji (native path)",
    "java",
    cat("30 66", cesu(`${ascii(100)}😀`)),
    `${ascii(100)}😀`,
  ),
  v("string 200 units of 4-byte UTF-8 accepted", "java", cat("30 c8", utf8("😀".repeat(100))), undefined, [
    "😀".repeat(100),
  ]),
  v(
    "string 150 with overlong NUL accepted",
    "java",
    cat("30 96", utf8("é".repeat(149)), "c0 80"),
    undefined,
    [`${"é".repeat(149)}\u0000`],
  ),

  // ---- binary (4.1.2)
  same("binary empty", "spec", "20", Buffer.alloc(0)),
  same("binary 3 octets", "spec", "23 01 02 03", Buffer.from([1, 2, 3])),
  same("binary 4k final chunk", "spec", cat("42 10 00", binary4k), binary4k),
  v("binary 1k chunk then final", "spec", cat("41 04 00", repeat(7, 1024), "21 09"), undefined, [
    Buffer.concat([repeat(7, 1024), Buffer.from([9])]),
  ]),
  same("binary 15", "java", cat("2f", repeat(1, 15)), repeat(1, 15)),
  same("binary 16", "java", cat("34 10", repeat(2, 16)), repeat(2, 16)),
  same("binary 1023", "java", cat("37 ff", repeat(3, 1023)), repeat(3, 1023)),
  same("binary 1024", "java", cat("42 04 00", repeat(4, 1024)), repeat(4, 1024)),
  same(
    "binary 32769 chunked",
    "java",
    cat("41 80 00", bigBinary.subarray(0, 32768), "21", bigBinary.subarray(32768)),
    bigBinary,
  ),

  // ---- list (4.6.2)
  v("list V [int", "spec", '56 04 "[int" 92 90 91', undefined, [typedList("[int", [0, 1])]),
  v("list variable untyped", "spec", "57 90 91 5a", undefined, [[0, 1]]),
  v(
    "list compact typed, then a type reference",
    "spec",
    '72 04 "[int" 90 91 73 90 96 97 98',
    [java.array("int", [0, 1]), java.array("int", [6, 7, 8])],
    [typedList("[int", [0, 1]), typedList("[int", [6, 7, 8])],
  ),
  v("list variable typed", "spec", '55 04 "[int" 91 92 5a', undefined, [typedList("[int", [1, 2])]),
  same("list empty", "java", "78", []),
  same("list 3", "java", "7b 91 92 93", [1, 2, 3]),
  same("list 8", "java", "58 98 90 91 92 93 94 95 96 97", [0, 1, 2, 3, 4, 5, 6, 7]),
  v(
    "list typed 8",
    "java",
    '56 11 "java.util.HashSet" 98 90 91 92 93 94 95 96 97',
    [java.list("java.util.HashSet", [0, 1, 2, 3, 4, 5, 6, 7])],
    [typedList("java.util.HashSet", [0, 1, 2, 3, 4, 5, 6, 7])],
  ),
  v(
    "String[]",
    "java",
    '72 07 "[string" 01 "a" 01 "b"',
    [java.array("java.lang.String", ["a", "b"])],
    [typedList("[string", ["a", "b"])],
  ),
  v(
    "Set as HashSet",
    "java",
    '72 11 "java.util.HashSet" 91 92',
    [new Set([1, 2])],
    [typedList("java.util.HashSet", [1, 2])],
  ),

  // ---- map (4.8.1)
  same(
    "map HashMap<Integer,String>",
    "spec",
    '48 91 03 "fee" a0 03 "fie" c9 00 03 "foe" 5a',
    new Map<unknown, unknown>([
      [1, "fee"],
      [16, "fie"],
      [256, "foe"],
    ]),
  ),
  v(
    "map typed (Car)",
    "spec",
    '4d 13 "com.caucho.test.Car" 05 "color" 0a "aquamarine" 05 "model" 06 "Beetle" 07 "mileage" 49 00 01 00 00 5a',
    undefined,
    [typedMap("com.caucho.test.Car", { color: "aquamarine", model: "Beetle", mileage: 65536 })],
  ),
  same("map object", "java", '48 01 "a" 91 01 "b" 01 "x" 5a', { a: 1, b: "x" }),
  same("map empty", "java", "48 5a", {}),
  v(
    "map typed TreeMap",
    "java",
    '4d 11 "java.util.TreeMap" 01 "a" 91 5a',
    [java.map("java.util.TreeMap", { a: 1 })],
    [typedMap("java.util.TreeMap", { a: 1 })],
  ),
  v(
    "map type reference",
    "java",
    '4d 11 "java.util.TreeMap" 5a 4d 90 5a',
    [java.map("java.util.TreeMap", {}), java.map("java.util.TreeMap", {})],
    [typedMap("java.util.TreeMap", {}), typedMap("java.util.TreeMap", {})],
  ),

  // ---- object (4.10.3)
  v(
    "object spec Car, long and short instance forms",
    "spec",
    '43 0b "example.Car" 92 05 "color" 05 "model" 4f 90 03 "red" 08 "corvette" 60 05 "green" 05 "civic"',
    undefined,
    [
      obj("example.Car", { color: "red", model: "corvette" }),
      obj("example.Car", { color: "green", model: "civic" }),
    ],
  ),
  v(
    "object Car twice in one message",
    "java",
    '43 0b "example.Car" 92 05 "color" 05 "model" 60 03 "red" 08 "corvette" 60 05 "green" 05 "civic"',
    [
      java.object("example.Car", { color: "red", model: "corvette" }),
      obj("example.Car", { color: "green", model: "civic" }),
    ],
    [
      obj("example.Car", { color: "red", model: "corvette" }),
      obj("example.Car", { color: "green", model: "civic" }),
    ],
  ),
  v(
    "object 17th class uses O int",
    "java",
    cat(
      ...seventeenClasses.map((_, i) =>
        cat(
          "43",
          Buffer.from([4 + (i >= 10 ? 1 : 0)]),
          `"c.C${i}"`,
          '91 01 "f"',
          i < 16 ? Buffer.from([0x60 + i]) : "4f a0",
          Buffer.from([0x90 + i]),
        ),
      ),
    ),
    seventeenClasses,
    seventeenClasses.map((_, i) => obj(`c.C${i}`, { f: i })),
  ),
  v(
    "object same class, other fields",
    "java",
    '43 03 "a.B" 91 01 "x" 60 91 43 03 "a.B" 91 01 "y" 61 92 60 93',
    [java.object("a.B", { x: 1 }), java.object("a.B", { y: 2 }), java.object("a.B", { x: 3 })],
    [obj("a.B", { x: 1 }), obj("a.B", { y: 2 }), obj("a.B", { x: 3 })],
  ),
  v(
    "enum",
    "java",
    '43 0d "example.Color" 91 04 "name" 60 03 "RED"',
    [java.enum("example.Color", "RED")],
    [obj("example.Color", { name: "RED" })],
  ),
  v(
    "BigDecimal",
    "java",
    '43 14 "java.math.BigDecimal" 91 05 "value" 60 04 "1.50"',
    [java.bigDecimal("1.50")],
    [java.bigDecimal("1.50")],
  ),
  v(
    "BigInteger 1",
    "java",
    '43 14 "java.math.BigInteger" 92 06 "signum" 03 "mag" 60 91 71 04 "[int" 91',
    [java.bigInteger(1)],
    [java.bigInteger(1)],
  ),
  v(
    "BigInteger -2^32",
    "java",
    '43 14 "java.math.BigInteger" 92 06 "signum" 03 "mag" 60 8f 72 04 "[int" 91 90',
    [java.bigInteger(-(2n ** 32n))],
    [java.bigInteger(-(2n ** 32n))],
  ),
  v(
    "BigInteger 0",
    "java",
    '43 14 "java.math.BigInteger" 92 06 "signum" 03 "mag" 60 90 70 04 "[int"',
    [java.bigInteger(0)],
    [java.bigInteger(0)],
  ),

  // ---- java.time, as hessian-lite's handles (java8/*Handle.java)
  v(
    "java.time LocalDate",
    "java",
    '43 30 37 "com.alibaba.com.caucho.hessian.io.java8.LocalDateHandle" 93 04 "year" 05 "month" 03 "day" 60 cf e8 91 af',
    [java.localDate(2024, 1, 31)],
    [obj("com.alibaba.com.caucho.hessian.io.java8.LocalDateHandle", { year: 2024, month: 1, day: 31 })],
  ),
  v(
    "java.time Instant (long seconds)",
    "java",
    '43 30 35 "com.alibaba.com.caucho.hessian.io.java8.InstantHandle" 92 07 "seconds" 05 "nanos" 60 59 65 53 f1 00 95',
    [java.instant(1700000000, 5)],
    [obj("com.alibaba.com.caucho.hessian.io.java8.InstantHandle", { seconds: 1700000000, nanos: 5 })],
  ),

  // ---- ref (4.11.1)
  same("ref cyclic object", "spec", '43 0a "LinkedList" 92 04 "head" 04 "tail" 60 91 51 90', linkedList),
  same("ref shared map in a list", "java", '7a 48 01 "x" 91 5a 51 91', sharedList),
];

export interface CrossValue {
  name: string;
  /** The value in our vocabulary. */
  ours: unknown;
  /** The same value in hessian.js's vocabulary ({ $class, $ } for typed values). */
  hessianjs: unknown;
  /** What hessian.js's decoder returns for it (it drops Java types). */
  plain: unknown;
  /** What our decoder returns for it. */
  decoded: unknown;
  /** Both encoders must produce the same bytes. */
  sameBytes: boolean;
}

function cross(name: string, value: unknown, sameBytes = true): CrossValue {
  return { name, ours: value, hessianjs: value, plain: value, decoded: value, sameBytes };
}

const user = { name: "Alice", age: 30, email: "alice@example.com", active: true, score: 98.5 };

export const CROSS_VALUES: readonly CrossValue[] = [
  cross("null", null),
  cross("true", true),
  cross("false", false),
  ...[
    0,
    1,
    -1,
    47,
    48,
    -16,
    -17,
    2047,
    2048,
    -2048,
    -2049,
    262143,
    262144,
    -262144,
    -262145,
    2 ** 31 - 1,
    -(2 ** 31),
  ].map((n) => cross(`int ${n}`, n)),
  ...[2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 40), 2 ** 52 + 1, Number.MAX_SAFE_INTEGER].map((n) =>
    cross(`long ${n}`, n),
  ),
  // (Not 1e300: hessian.js writes integral doubles beyond 2^53 as a clamped long.)
  ...[
    0.5,
    -0.5,
    0.1,
    1.5,
    12.25,
    10.123,
    -127.9999,
    32767.99999,
    2147483646.456,
    Math.PI,
    -1e-10,
    1.5e-300,
  ].map((n) => cross(`double ${n}`, n)),
  ...[
    "",
    "a",
    "hello",
    "中文",
    "é",
    "😀",
    "mixed é 中 😀 text",
    ascii(31),
    ascii(32),
    ascii(1023),
    ascii(1024),
  ].map((s) => cross(`string ${JSON.stringify(s.slice(0, 20))} (${s.length})`, s)),
  cross("string 40000 ASCII (chunked)", ascii(40000, "x")),
  cross("string 70000 mixed (chunked)", "ab€😀".repeat(14000)),
  cross("date minutes", new Date(Date.UTC(2024, 0, 2, 3, 4))),
  cross("date ms", new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))),
  cross("binary small", Buffer.from([1, 2, 3])),
  cross("binary 1000", Buffer.alloc(1000, 0xab)),
  cross("binary 5000", Buffer.alloc(5000, 0xcd), false), // hessian.js cuts 4093-byte chunks
  cross("list of ints", [1, 2, 3]),
  cross("list of 10 mixed", [1, "two", 3.5, null, true, [1], { a: 1 }, "x", 9, 10]),
  cross("map", { a: 1, b: "two", c: [1, 2], d: { nested: true } }, false), // hessian.js sorts keys
  cross("map sorted", { a: 1, b: "two", c: [1, 2] }),
  {
    name: "object",
    ours: java.object("com.example.User", user),
    hessianjs: { $class: "com.example.User", $: user },
    plain: user,
    decoded: obj("com.example.User", user),
    sameBytes: true,
  },
  {
    name: "list of objects",
    ours: [java.object("com.example.User", user), java.object("com.example.User", { ...user, name: "Bob" })],
    hessianjs: [
      { $class: "com.example.User", $: user },
      { $class: "com.example.User", $: { ...user, name: "Bob" } },
    ],
    plain: [user, { ...user, name: "Bob" }],
    decoded: [obj("com.example.User", user), obj("com.example.User", { ...user, name: "Bob" })],
    sameBytes: true,
  },
  {
    name: "typed int array",
    ours: java.array("int", [1, 2, 3]),
    hessianjs: { $class: "[int", $: [1, 2, 3] },
    plain: [1, 2, 3],
    decoded: typedList("[int", [1, 2, 3]),
    sameBytes: true,
  },
  {
    name: "typed list 10",
    ours: java.list("java.util.List", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    hessianjs: { $class: "java.util.List", $: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
    plain: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    decoded: typedList("java.util.List", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    sameBytes: true,
  },
  {
    name: "long marker",
    ours: java.long(5),
    hessianjs: { $class: "long", $: 5 },
    plain: 5,
    decoded: 5,
    sameBytes: true,
  },
  {
    name: "BigDecimal",
    ours: java.bigDecimal("123.4500"),
    hessianjs: { $class: "java.math.BigDecimal", $: { value: "123.4500" } },
    plain: { value: "123.4500" },
    decoded: java.bigDecimal("123.4500"),
    sameBytes: true,
  },
  {
    name: "enum",
    ours: java.enum("com.example.Color", "RED"),
    hessianjs: { $class: "com.example.Color", $: { name: "RED" } },
    plain: { name: "RED" },
    decoded: obj("com.example.Color", { name: "RED" }),
    sameBytes: true,
  },
  {
    name: "map with int keys",
    ours: new Map<unknown, unknown>([
      [1, "a"],
      [2, "b"],
    ]),
    hessianjs: new Map<unknown, unknown>([
      [1, "a"],
      [2, "b"],
    ]),
    plain: { 1: "a", 2: "b" },
    decoded: new Map<unknown, unknown>([
      [1, "a"],
      [2, "b"],
    ]),
    sameBytes: true,
  },
];
