// The JavaScript side of the mapping: defaults for plain values, the `java` helpers, class tags on decoded
// values, map and long decoding modes, exceptions and java.time handles, multi-value messages, and the
// encoder's own errors.

import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import hessian from "hessian.js";
import {
  asJavaException,
  decode,
  encode,
  Hessian2Decoder,
  Hessian2Encoder,
  HessianEncodeError,
  JAVA_CLASS,
  JAVA_MAP_TYPE,
  JAVA_TIME_HANDLES,
  JavaBigDecimal,
  JavaBigInteger,
  JavaException,
  java,
  javaClassOf,
  setJavaClass,
} from "../src/index.js";
import { assertHessianEqual, hex, obj } from "./helpers.js";

function roundTrip(value: unknown): unknown {
  return decode(encode(value));
}

describe("default mapping of plain values", () => {
  it("picks int, long or double for numbers", () => {
    assert.equal(encode(7).toString("hex"), "97"); // int
    assert.equal(encode(2 ** 31).toString("hex"), "4c0000000080000000"); // long
    assert.equal(encode(7.5).toString("hex"), "5f00001d4c"); // double
    assert.equal(encode(2 ** 60).toString("hex"), "44" + "43b0000000000000"); // beyond 2^53: double
    assert.equal(encode(-0).toString("hex"), "90"); // -0 is the int 0
  });

  it("maps the other JavaScript types", () => {
    assert.equal(encode(123n).toString("hex"), "f87b"); // bigint -> long
    assert.equal(encode(undefined).toString("hex"), "4e");
    assert.equal(encode(new Uint8Array([1, 2])).toString("hex"), "220102");
    assert.equal(encode(new Uint8Array([1, 2]).buffer).toString("hex"), "220102");
    assert.equal(encode(["a"]).toString("hex"), "790161");
    assert.equal(encode(new Set(["a"])).toString("hex"), `71116a6176612e7574696c2e48617368536574${"0161"}`);
  });

  it("writes typed arrays as the matching Java primitive arrays", () => {
    assert.equal(encode(new Int32Array([1, -1])).toString("hex"), "72045b696e74918f");
    assert.equal(encode(new Float64Array([1, 2.5])).toString("hex"), "72075b646f75626c655c5f000009c4");
    assert.equal(encode(new BigInt64Array([1n])).toString("hex"), "71055b6c6f6e67e1");
    assert.equal(encode(new Int16Array([2])).toString("hex"), "71065b73686f727492");
    assert.equal(encode(new Float32Array([0.5])).toString("hex"), "71065b666c6f61745f000001f4");
    assert.equal(encode(new Int8Array([-1, 1])).toString("hex"), "22ff01");
    assert.throws(() => encode(new Uint16Array([1])), HessianEncodeError);
  });

  it("writes class instances as maps of their own fields, or as Java objects when tagged", () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    assert.deepStrictEqual(roundTrip(new Point(1, 2)), { x: 1, y: 2 });
    const tagged = setJavaClass(new Point(1, 2), "geo.Point");
    assertHessianEqual(roundTrip(tagged), obj("geo.Point", { x: 1, y: 2 }));
  });
});

describe("java helpers", () => {
  it("validate their input", () => {
    assert.throws(() => java.int(1.5), RangeError);
    assert.throws(() => java.int(2 ** 31), RangeError);
    assert.throws(() => java.short(40000), RangeError);
    assert.throws(() => java.byte(128), RangeError);
    assert.throws(() => java.long(2 ** 53), RangeError);
    assert.throws(() => java.long("9223372036854775808"), RangeError);
    assert.throws(() => java.long("12x"), RangeError);
    assert.throws(() => java.char("ab"), RangeError);
    assert.throws(() => java.bigDecimal("1.2.3"), RangeError);
    assert.throws(() => java.bigDecimal(Number.NaN), RangeError);
    assert.throws(() => java.bigInteger(1.5), RangeError);
    assert.throws(() => java.localDate(2024, 13, 1), RangeError);
    assert.throws(() => java.localTime(24), RangeError);
    assert.throws(() => java.offsetDateTime(java.localDate(2024, 1, 1), 0), TypeError);
  });

  it("accept the forms they document", () => {
    assert.equal(encode(java.long("-9223372036854775808")).toString("hex"), "4c8000000000000000");
    assert.equal(encode(java.long(2n ** 40n)).toString("hex"), "4c0000010000000000");
    assert.equal(encode(java.char("x")).toString("hex"), "0178");
    assert.equal(encode(java.bigDecimal(0.25)).subarray(-4).toString(), "0.25");
    assert.equal(encode(java.bigDecimal(10n)).subarray(-2).toString(), "10");
    assert.equal(java.bigInteger("-12").value, -12n);
    assert.equal(javaClassOf(java.array("com.foo.User", [])), "[com.foo.User");
    assert.equal(javaClassOf(java.array("java.lang.Object", [])), "[object");
    assert.equal(javaClassOf(java.bigDecimal("1")), "java.math.BigDecimal");
    assert.equal(javaClassOf(java.list(null, [])), undefined);
  });

  it("write untyped lists and maps when given a null type", () => {
    assert.equal(encode(java.list(null, [1])).toString("hex"), "7991");
    assert.equal(encode(java.map(null, new Map([[1, 2]]))).toString("hex"), "4891925a");
  });
});

describe("class tags on decoded values", () => {
  const bytes = encode(
    java.object("com.example.User", { name: "a", tags: java.list("java.util.HashSet", ["x"]) }),
  );

  it("are non-enumerable, so decoded objects look like plain data", () => {
    const user = decode(bytes) as Record<string | symbol, unknown>;
    assert.equal(user[JAVA_CLASS], "com.example.User");
    assert.deepStrictEqual(Object.keys(user), ["name", "tags"]);
    assert.equal(JSON.stringify(user), '{"name":"a","tags":["x"]}');
    assert.equal(javaClassOf(user.tags), "java.util.HashSet");
  });

  it("make a decoded value encode back to the same Java types", () => {
    assert.equal(encode(decode(bytes)).toString("hex"), bytes.toString("hex"));
    const typedMap = encode(java.map("java.util.LinkedHashMap", { a: 1 }));
    const decodedMap = decode(typedMap) as Record<symbol, unknown>;
    assert.equal(decodedMap[JAVA_MAP_TYPE], "java.util.LinkedHashMap");
    assert.equal(decodedMap[JAVA_CLASS], undefined);
    assert.equal(encode(decodedMap).toString("hex"), typedMap.toString("hex"));
  });

  it("tag typed Maps and typed lists too", () => {
    const map = decode(encode(java.map("java.util.TreeMap", new Map([[1, "a"]])))) as Map<unknown, unknown>;
    assert.ok(map instanceof Map);
    assert.equal(javaClassOf(map), "java.util.TreeMap");
    assert.equal(
      encode(map).toString("hex"),
      encode(java.map("java.util.TreeMap", new Map([[1, "a"]]))).toString("hex"),
    );
  });
});

describe("decoder options", () => {
  const mixed = hex('48 01 "a" 91 92 01 "b" 5a'); // { "a": 1, 2: "b" }

  it("mapType auto switches to a Map at the first non-string key", () => {
    assert.deepStrictEqual(
      decode(mixed),
      new Map<unknown, unknown>([
        ["a", 1],
        [2, "b"],
      ]),
    );
    assert.deepStrictEqual(decode(hex('48 01 "a" 91 5a')), { a: 1 });
  });

  it("mapType object stringifies keys, map always builds a Map", () => {
    assert.deepStrictEqual(decode(mixed, { mapType: "object" }), { a: 1, 2: "b" });
    assert.deepStrictEqual(decode(hex('48 01 "a" 91 5a'), { mapType: "map" }), new Map([["a", 1]]));
  });

  it("longs bigint returns every long as a bigint, and auto only the unsafe ones", () => {
    const longs = encode([java.long(1), java.long(2 ** 40), 2n ** 60n, 5]);
    assert.deepStrictEqual(decode(longs), [1, 2 ** 40, 2n ** 60n, 5]);
    assert.deepStrictEqual(decode(longs, { longs: "bigint" }), [1n, 2n ** 40n, 2n ** 60n, 5]);
  });

  it("copyBinary false returns a view of the input", () => {
    const bytes = encode(Buffer.from([1, 2, 3]));
    const view = decode(bytes, { copyBinary: false }) as Buffer;
    const copy = decode(bytes) as Buffer;
    bytes[1] = 9;
    assert.deepStrictEqual([...view], [9, 2, 3]);
    assert.deepStrictEqual([...copy], [1, 2, 3]);
  });

  it("never lets a __proto__ key or field replace a prototype", () => {
    const map = decode(hex('48 09 "__proto__" 48 01 "x" 91 5a 5a')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(map), Object.prototype);
    assert.deepStrictEqual(Object.getOwnPropertyDescriptor(map, "__proto__")?.value, { x: 1 });
    const object = decode(hex('43 01 "A" 91 09 "__proto__" 60 48 5a')) as Record<string, unknown>;
    assert.equal(javaClassOf(object), "A");
    assert.equal(Object.getPrototypeOf(Object.getPrototypeOf(object)), Object.prototype);
    assert.ok(Object.hasOwn(object, "__proto__"));
  });
});

describe("big numbers", () => {
  it("BigDecimal keeps its exact text", () => {
    const value = roundTrip(java.bigDecimal("-0.000123400")) as JavaBigDecimal;
    assert.ok(value instanceof JavaBigDecimal);
    assert.equal(String(value), "-0.000123400");
    assert.equal(JSON.stringify({ price: value }), '{"price":"-0.000123400"}');
  });

  it("BigInteger survives sizes around word boundaries", () => {
    for (const n of [
      0n,
      1n,
      -1n,
      2n ** 31n,
      2n ** 32n - 1n,
      2n ** 32n,
      -(2n ** 64n),
      3n ** 200n,
      -(7n ** 99n),
    ]) {
      const value = roundTrip(java.bigInteger(n)) as JavaBigInteger;
      assert.ok(value instanceof JavaBigInteger);
      assert.equal(value.value, n);
    }
  });

  it("BigInteger decodes from Java 8's full field layout", () => {
    // signum, bitCount, bitLength, lowestSetBit, firstNonzeroIntNum, mag: the extra fields are ignored.
    const bytes = hex(
      '43 14 "java.math.BigInteger" 96 06 "signum" 08 "bitCount" 09 "bitLength" 0c "lowestSetBit" 12 "firstNonzeroIntNum" 03 "mag" 60 8f 90 90 90 90 72 04 "[int" 91 90',
    );
    assert.equal((decode(bytes) as JavaBigInteger).value, -(2n ** 32n));
  });

  it("hessian.js reads our BigDecimal as its bean", () => {
    assert.deepStrictEqual(hessian.decode(encode(java.bigDecimal("9.99")), "2.0"), { value: "9.99" });
  });
});

describe("exceptions", () => {
  const frames = [
    { declaringClass: "com.example.Service", methodName: "call", fileName: "Service.java", lineNumber: 42 },
    { declaringClass: "com.example.Main", methodName: "main", fileName: null, lineNumber: -1 },
  ];

  it("round trip through asJavaException, with a cause chain", () => {
    const cause = java.exception("java.io.IOException", "disk full");
    const error = java.exception("java.lang.IllegalStateException", "boom", { cause, stackTrace: frames });
    const converted = asJavaException(roundTrip(error));
    assert.ok(converted instanceof JavaException);
    assert.ok(converted instanceof Error);
    assert.equal(converted.className, "java.lang.IllegalStateException");
    assert.equal(converted.name, "java.lang.IllegalStateException");
    assert.equal(converted.message, "boom");
    assert.deepStrictEqual(converted.javaStackTrace, frames);
    assert.match(converted.stack ?? "", /at com\.example\.Service\.call\(Service\.java:42\)/);
    assert.ok(converted.cause instanceof JavaException);
    assert.equal(converted.cause.message, "disk full");
    assert.equal(converted.cause.cause, undefined); // its cause points at itself: "none"
  });

  it("write Java's layout: self-referencing cause and a typed stack trace", () => {
    const decoded = roundTrip(java.exception("java.lang.RuntimeException", null)) as Record<string, unknown>;
    assert.equal(decoded.cause, decoded);
    assert.equal(javaClassOf(decoded.stackTrace), "[java.lang.StackTraceElement");
    assert.deepStrictEqual(Object.keys(decoded), [
      "detailMessage",
      "cause",
      "stackTrace",
      "suppressedExceptions",
    ]);
    assert.equal(asJavaException(decoded)?.message, "");
  });

  it("carry subclass fields and ignore non-exceptions", () => {
    const rpc = java.exception("org.apache.dubbo.rpc.RpcException", "timeout", { fields: { code: 2 } });
    assert.equal(asJavaException(roundTrip(rpc))?.value.code, 2);
    assert.equal(asJavaException(roundTrip(java.object("com.example.User", { name: "x" }))), undefined);
    assert.equal(asJavaException({ detailMessage: "untagged" }), undefined);
    assert.equal(asJavaException("boom"), undefined);
  });

  it("hessian.js turns our exception into an Error", () => {
    const decoded = hessian.decode(
      encode(java.exception("java.lang.IllegalArgumentException", "bad")),
      "2.0",
    );
    assert.ok(decoded instanceof Error);
    assert.equal(decoded.message, "bad");
  });
});

describe("java.time handles", () => {
  it("build the hessian-lite handle classes with their fields", () => {
    const cases: [unknown, string, Record<string, unknown>][] = [
      [java.localDate(2024, 2, 29), JAVA_TIME_HANDLES.LocalDate, { year: 2024, month: 2, day: 29 }],
      [
        java.localTime(23, 59, 58, 999),
        JAVA_TIME_HANDLES.LocalTime,
        { hour: 23, minute: 59, second: 58, nano: 999 },
      ],
      [java.instant(-5, 7), JAVA_TIME_HANDLES.Instant, { seconds: -5, nanos: 7 }],
      [java.duration(2n ** 40n), JAVA_TIME_HANDLES.Duration, { seconds: 2 ** 40, nanos: 0 }],
      [java.period(1, -2, 3), JAVA_TIME_HANDLES.Period, { years: 1, months: -2, days: 3 }],
      [java.year(1999), JAVA_TIME_HANDLES.Year, { year: 1999 }],
      [java.yearMonth(1999, 12), JAVA_TIME_HANDLES.YearMonth, { year: 1999, month: 12 }],
      [java.monthDay(2, 29), JAVA_TIME_HANDLES.MonthDay, { month: 2, day: 29 }],
      [java.zoneOffset(-3600), JAVA_TIME_HANDLES.ZoneOffset, { seconds: -3600 }],
      [java.zoneId("Asia/Shanghai"), JAVA_TIME_HANDLES.ZoneId, { zoneId: "Asia/Shanghai" }],
    ];
    for (const [value, className, fields] of cases)
      assertHessianEqual(roundTrip(value), obj(className, fields));
  });

  it("nest handles like Java does", () => {
    const dateTime = java.localDateTime(2024, 5, 6, 7, 8, 9, 10);
    const date = obj(JAVA_TIME_HANDLES.LocalDate, { year: 2024, month: 5, day: 6 });
    const time = obj(JAVA_TIME_HANDLES.LocalTime, { hour: 7, minute: 8, second: 9, nano: 10 });
    const ldt = obj(JAVA_TIME_HANDLES.LocalDateTime, { date, time });
    const offset = obj(JAVA_TIME_HANDLES.ZoneOffset, { seconds: 28800 });
    assertHessianEqual(roundTrip(dateTime), ldt);
    assertHessianEqual(
      roundTrip(java.zonedDateTime(dateTime, 28800, "Asia/Shanghai")),
      obj(JAVA_TIME_HANDLES.ZonedDateTime, { dateTime: ldt, offset, zoneId: "Asia/Shanghai" }),
    );
    assertHessianEqual(
      roundTrip(java.offsetDateTime(dateTime, 28800)),
      obj(JAVA_TIME_HANDLES.OffsetDateTime, { dateTime: ldt, offset }),
    );
    assertHessianEqual(
      roundTrip(java.offsetTime(java.localTime(7, 8, 9, 10), 28800)),
      obj(JAVA_TIME_HANDLES.OffsetTime, { localTime: time, zoneOffset: offset }),
    );
  });

  it("write Instant seconds as a long, even when small", () => {
    const bytes = encode(java.instant(new Date(1500)));
    assert.ok(bytes.includes(hex("e1 49 1d cd 65 00")), bytes.toString("hex")); // seconds 1L, nanos 500000000
  });
});

describe("messages with several values", () => {
  it("share class definitions, types and references until finish()", () => {
    const shared = { id: 1 };
    const encoder = new Hessian2Encoder();
    encoder
      .write(java.object("a.B", { x: 1 }))
      .write(java.object("a.B", { x: 2 }))
      .write(shared)
      .write([shared]);
    const bytes = encoder.finish();
    // def a.B, #0 {x:1}, #1 {x:2}, #2 map {id:1}, #3 list [ref #2]
    assert.equal(bytes.toString("hex"), "4303612e429101786091" + "6092" + "48026964915a" + "795192");
    const decoder = new Hessian2Decoder(bytes);
    assertHessianEqual(decoder.read(), obj("a.B", { x: 1 }));
    assertHessianEqual(decoder.read(), obj("a.B", { x: 2 }));
    const first = decoder.read();
    const list = decoder.read() as unknown[];
    assert.equal(list[0], first);
    // A new message starts with empty tables.
    assert.equal(encoder.write(java.object("a.B", { x: 3 })).finish()[0], 0x43);
  });
});

describe("encoder errors", () => {
  it("reject values with no Java form, and stay usable", () => {
    const encoder = new Hessian2Encoder();
    assert.throws(() => encoder.write({ f: () => 1 }), HessianEncodeError);
    assert.throws(() => encoder.write(Symbol("s")), HessianEncodeError);
    assert.throws(() => encoder.write(2n ** 63n), /does not fit a Java long/);
    assert.throws(() => encoder.write(new Date(Number.NaN)), /invalid Date/);
    assert.equal(encoder.length, 0);
    assert.equal(encoder.write(1).finish().toString("hex"), "91");
  });

  it("limit nesting depth (and so cycles through non-reference paths)", () => {
    let deep: unknown = 0;
    for (let i = 0; i < 600; i++) deep = [deep];
    assert.throws(() => encode(deep), /maxDepth/);
    assert.equal(encode(deep, { maxDepth: 700 }).length, 601);
  });

  it("encode() nested inside an encode() (a getter) works", () => {
    const tricky = {
      get inner() {
        return encode("inner");
      },
    };
    assert.deepStrictEqual(decode(encode(tricky)), { inner: encode("inner") });
  });

  it("grow the buffer for large values", () => {
    const big = "x".repeat(1_000_000);
    const encoder = new Hessian2Encoder({ initialCapacity: 16 });
    assert.equal(decode(encoder.write(big).finish()), big);
  });
});
