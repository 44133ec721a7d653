// Hessian2 against Java: Dubbo's hessian-lite 4.0.3 (the serializer of Dubbo 3.3.5's hessian2), run in
// the interop peer (interop/java, `hessian-vectors`). Both directions:
//
// - Java -> us: the peer writes its corpus (JavaCorpus.java) with Hessian2Output; we decode every
//   vector to the expected value, and our encoder, given the same Java types, writes the same bytes.
// - us -> Java: we write every WIRE_VECTORS value (corpus.ts) plus Java POJOs of the peer; Java reads
//   them with Hessian2Input and writes them again: the bytes must come back unchanged, except where
//   Java itself writes the value differently (listed below with the reason and what Java read).
//
// Needs a JDK and Maven (the peer is built on first use); without them the test fails, it does not skip.

import { strict as assert } from "node:assert";
import { before, describe, it } from "node:test";
import { type HessianVectorLine, runHessianVectors } from "../../../interop/java/peer.js";
import { asJavaException, Hessian2Decoder, Hessian2Encoder, java } from "../src/index.js";
import { WIRE_VECTORS } from "./corpus.js";
import { assertHessianEqual, obj, typedList, typedMap } from "./helpers.js";

const USER = "org.dubbomesh.interop.User";
const ITEM = "org.dubbomesh.interop.Item";
const ORDER = "org.dubbomesh.interop.Order";
const STATUS = "org.dubbomesh.interop.OrderStatus";

interface JavaVectorExpectation {
  /** The decoded values, in our vocabulary. */
  read: unknown[];
  /** The same values with Java's types spelled out: must encode to exactly Java's bytes. */
  write?: unknown[];
  /** Why `write` is absent or cannot match byte for byte. */
  notByteExact?: string;
  /** Extra checks on what we decoded (identity of shared references, exceptions...). */
  check?: (values: unknown[]) => void;
}

function same(value: unknown): JavaVectorExpectation {
  return { read: [value], write: [value] };
}

// DemoCalls.sampleUser(name) in the peer; field order is hessian-lite's (reverse declaration order).
function user(name: string, forWrite: boolean): unknown {
  const fields = {
    balance: java.bigDecimal("1234.56"),
    birthday: new Date(946684800000),
    attrs: { k: "v" },
    tags: ["a", "b"],
    age: 42,
    name,
  };
  return forWrite ? java.object(USER, fields) : obj(USER, fields);
}

function item(sku: string, quantity: number, price: string, forWrite: boolean): unknown {
  const fields = { price: java.bigDecimal(price), quantity, sku };
  return forWrite ? java.object(ITEM, fields) : obj(ITEM, fields);
}

/** DemoOrders.place(sampleUser("bob"), [apple x3 @1.25, pear x2 @0.40], {gift: yes}). */
function order(forWrite: boolean): unknown {
  const apple = item("apple", 3, "1.25", forWrite);
  const pear = item("pear", 2, "0.40", forWrite);
  const fields = {
    quantities: forWrite ? java.array("int", [3, 2]) : typedList("[int", [3, 2]),
    status: forWrite ? java.enum(STATUS, "NEW") : obj(STATUS, { name: "NEW" }),
    total: java.bigDecimal("4.55"),
    created: new Date(1704164645678),
    notes: forWrite
      ? java.map("java.util.LinkedHashMap", { gift: "yes" })
      : typedMap("java.util.LinkedHashMap", { gift: "yes" }),
    itemsBySku: forWrite
      ? java.map("java.util.LinkedHashMap", { apple, pear })
      : typedMap("java.util.LinkedHashMap", { apple, pear }),
    items: [apple, pear],
    buyer: user("bob", forWrite),
    id: forWrite ? java.long(9007199254740993n) : 9007199254740993n,
  };
  return forWrite ? java.object(ORDER, fields) : obj(ORDER, fields);
}

function bytes(length: number, f: (i: number) => number): Buffer {
  return Buffer.from(Array.from({ length }, (_, i) => f(i) & 0xff));
}

const cyclic: unknown[] = ["head"];
cyclic.push(cyclic);
const sharedMap = { x: 1 };

/** Expected values of JavaCorpus.java, by vector name. */
function expectation(name: string): JavaVectorExpectation | undefined {
  let m = /^int (-?\d+)$/.exec(name);
  if (m) return same(Number(m[1]));
  m = /^long (-?\d+)$/.exec(name);
  if (m) {
    const big = BigInt(m[1]);
    const n = Number(big);
    const read = Number.isSafeInteger(n) ? n : big;
    return { read: [read], write: [java.long(big)] };
  }
  m = /^double (.+)$/.exec(name);
  if (m) {
    const d = Number(m[1]);
    return { read: [d], write: [java.double(d)] };
  }
  const user0 = user("alice", false);
  switch (name) {
    case "null":
      return same(null);
    case "true":
      return same(true);
    case "false":
      return same(false);
    case "short -32768":
      return { read: [-32768], write: [java.short(-32768)] };
    case "byte -128":
      return { read: [-128], write: [java.byte(-128)] };
    case "char x":
      return { read: ["x"], write: [java.char("x")] };
    case "float 1.1":
      // A boxed Float: hessian-lite's BasicSerializer writes Double.parseDouble(String.valueOf(f)), the
      // decimal 1.1. (A primitive float field, and float[], are widened in binary: java.float's form.)
      return { read: [1.1], write: [java.double(1.1)] };
    case "string empty":
      return same("");
    case "string hello":
      return same("hello");
    case "string mixed":
      return same("a😀b€é中");
    case "string 1024":
      return same("a".repeat(1024));
    case "string 40000 chunked":
      return same("x".repeat(40000));
    case "string surrogate pair at a chunk boundary":
      return same(`${"a".repeat(32767)}😀b`);
    case "date epoch":
      return same(new Date(0));
    case "date minutes":
      return same(new Date(1704164640000));
    case "date ms":
      return same(new Date(1704164645678));
    case "binary 3":
      return same(Buffer.from([1, 2, 3]));
    case "binary 5000":
      return same(bytes(5000, (i) => i * 7));
    case "binary 40000 chunked":
      return {
        read: [bytes(40000, (i) => i)],
        notByteExact:
          "hessian-lite cuts binary chunks at the free space of its 8 KiB output buffer (first chunk 8189 bytes); we write 32 KiB chunks. Either reads back the same",
      };
    case "ArrayList":
      return same([1, "two", 3.5]);
    case "ArrayList empty":
      return same([]);
    case "LinkedList":
      return {
        read: [typedList("java.util.LinkedList", ["a", "b"])],
        write: [java.list("java.util.LinkedList", ["a", "b"])],
      };
    case "HashSet":
      return { read: [typedList("java.util.HashSet", [1, 2])], write: [new Set([1, 2])] };
    case "int[]":
      return { read: [typedList("[int", [1, 2, 3])], write: [java.array("int", [1, 2, 3])] };
    case "long[]":
      return { read: [typedList("[long", [1, 2])], write: [BigInt64Array.from([1n, 2n])] };
    case "String[]":
      return {
        read: [typedList("[string", ["a", "b"])],
        write: [java.array("java.lang.String", ["a", "b"])],
      };
    case "Object[]":
      return {
        read: [typedList("[object", [1, "a", null])],
        write: [java.array("java.lang.Object", [1, "a", null])],
      };
    case "Item[]":
      return {
        read: [typedList(`[${ITEM}`, [item("x", 1, "2.50", false)])],
        write: [java.array(ITEM, [item("x", 1, "2.50", true)])],
      };
    case "HashMap":
      return same({ a: 1 });
    case "HashMap int keys":
      return same(
        new Map<unknown, unknown>([
          [16, "fie"],
          [1, "fee"],
        ]),
      );
    case "TreeMap":
      return {
        read: [typedMap("java.util.TreeMap", { a: 1, b: 2 })],
        write: [java.map("java.util.TreeMap", { a: 1, b: 2 })],
      };
    case "LinkedHashMap":
      return {
        read: [typedMap("java.util.LinkedHashMap", { z: "last?", a: "first?" })],
        write: [java.map("java.util.LinkedHashMap", { z: "last?", a: "first?" })],
      };
    case "User":
      return { read: [user0], write: [user("alice", true)] };
    case "two Users share a class definition":
      return { read: [user("a", false), user("b", false)], write: [user("a", true), user("b", true)] };
    case "Order":
      return {
        read: [order(false)],
        write: [order(true)],
        check: ([o]) => {
          const decoded = o as { items: unknown[]; itemsBySku: Record<string, unknown> };
          // Java wrote the items once (in itemsBySku) and referenced them from the list.
          assert.equal(decoded.items[0], decoded.itemsBySku.apple);
          assert.equal(decoded.items[1], decoded.itemsBySku.pear);
        },
      };
    case "enum OrderStatus.PAID":
      return { read: [obj(STATUS, { name: "PAID" })], write: [java.enum(STATUS, "PAID")] };
    case "enum TimeUnit.SECONDS":
      return {
        read: [obj("java.util.concurrent.TimeUnit", { name: "SECONDS" })],
        write: [java.enum("java.util.concurrent.TimeUnit", "SECONDS")],
      };
    case "BigDecimal 1234.5600":
      return same(java.bigDecimal("1234.5600"));
    case "BigDecimal -1E+3":
      return same(java.bigDecimal("-1E+3"));
    case "BigInteger 1":
      return { read: [java.bigInteger(1)], notByteExact: BIGINTEGER_FIELDS };
    case "BigInteger -2^100":
      return { read: [java.bigInteger(-(2n ** 100n))], notByteExact: BIGINTEGER_FIELDS };
    case "LocalDate":
      return {
        read: [javaTime("LocalDateHandle", { day: 31, month: 1, year: 2024 })],
        notByteExact: FIELD_ORDER,
      };
    case "LocalDateTime":
      return {
        read: [
          javaTime("LocalDateTimeHandle", {
            time: javaTime("LocalTimeHandle", { nano: 123_000_000, second: 15, minute: 30, hour: 12 }),
            date: javaTime("LocalDateHandle", { day: 31, month: 1, year: 2024 }),
          }),
        ],
        notByteExact: FIELD_ORDER,
      };
    case "Instant":
      return {
        read: [javaTime("InstantHandle", { nanos: 5, seconds: 1700000000 })],
        notByteExact: FIELD_ORDER,
      };
    case "Duration":
      return { read: [javaTime("DurationHandle", { nanos: 7, seconds: 90 })], notByteExact: FIELD_ORDER };
    case "exception with cause":
      return {
        read: [],
        notByteExact: "Java 17 writes StackTraceElement's module fields and a typed Collections$EmptyList",
        check: ([value]) => {
          const e = asJavaException(value);
          assert.ok(e, "a Java exception");
          assert.equal(e.className, "java.lang.IllegalArgumentException");
          assert.equal(e.message, "bad");
          assert.deepEqual(e.javaStackTrace, [
            { declaringClass: "com.example.Svc", methodName: "run", fileName: "Svc.java", lineNumber: 42 },
          ]);
          const cause = e.cause as ReturnType<typeof asJavaException>;
          assert.equal(cause?.className, "java.lang.IllegalStateException");
          assert.equal(cause?.message, "root");
        },
      };
    case "DemoException with a field":
      return {
        read: [],
        notByteExact: "as above",
        check: ([value]) => {
          const e = asJavaException(value);
          assert.equal(e?.className, "org.dubbomesh.interop.DemoException");
          assert.equal(e?.message, "demo failure");
          assert.equal(e?.value.code, 42);
          assert.equal(e?.cause, undefined);
        },
      };
    case "shared map twice in a list":
      return {
        read: [[sharedMap, sharedMap]],
        write: [[sharedMap, sharedMap]],
        check: ([list]) => assert.equal((list as unknown[])[0], (list as unknown[])[1]),
      };
    case "list containing itself":
      return { read: [], write: [cyclic], check: ([list]) => assert.equal((list as unknown[])[1], list) };
    default:
      return undefined;
  }
}

const BIGINTEGER_FIELDS =
  "hessian-lite on Java 17 writes BigInteger as a bean with all six fields (mag, signum and four cached *PlusTwo/*PlusOne fields); we write signum and mag, which Java reads back as the same number";
const FIELD_ORDER =
  "hessian-lite writes fields in reverse declaration order (day, month, year); java.time helpers write year, month, day. Java matches fields by name";

function javaTime(handle: string, fields: Record<string, unknown>): Record<string, unknown> {
  return obj(`com.alibaba.com.caucho.hessian.io.java8.${handle}`, fields);
}

describe("Hessian2 vs Java hessian-lite: Java writes, we read", { timeout: 600_000 }, () => {
  let lines: HessianVectorLine[] = [];
  before(async () => {
    lines = await runHessianVectors("encode");
  });

  it("the peer wrote its whole corpus and we have an expectation for every vector", () => {
    assert.ok(lines.length >= 80, `only ${lines.length} vectors`);
    const missing = lines.filter((l) => expectation(l.name) === undefined).map((l) => l.name);
    assert.deepEqual(missing, [], "vectors without an expectation in this file");
  });

  it("every vector decodes to the expected values", () => {
    for (const line of lines) {
      const exp = expectation(line.name);
      if (exp === undefined) continue;
      const input = Buffer.from(line.hex ?? "", "hex");
      const decoder = new Hessian2Decoder(input);
      const count = line.java?.length ?? 1;
      const values = Array.from({ length: count }, () => decoder.read());
      assert.equal(decoder.remaining, 0, `${line.name}: every byte consumed`);
      if (exp.read.length > 0) assertHessianEqual(values, exp.read, line.name);
      exp.check?.(values);
    }
  });

  it("given the same Java types, we write exactly Java's bytes", (t) => {
    const exact: string[] = [];
    for (const line of lines) {
      const exp = expectation(line.name);
      if (exp?.write === undefined) {
        assert.ok(exp?.notByteExact, `${line.name}: neither write values nor a reason`);
        continue;
      }
      const encoder = new Hessian2Encoder();
      for (const value of exp.write) encoder.write(value);
      assert.equal(encoder.finish().toString("hex"), line.hex, line.name);
      exact.push(line.name);
    }
    assert.ok(exact.length >= 70, `only ${exact.length} byte-exact vectors`);
    t.diagnostic(`${exact.length} of ${lines.length} Java vectors written byte for byte`);
  });
});

interface Sent {
  name: string;
  values: unknown[];
  hex: string;
}

/** Vectors Java reads correctly but writes back differently, and what it must have read. */
const JAVA_WRITES_OTHERWISE: Record<string, { why: string; java: RegExp }> = {
  "binary 32769 chunked": { why: "8 KiB-buffer chunking (see above)", java: /^byte\[32769\]$/ },
  "map HashMap<Integer,String>": {
    why: "java.util.HashMap iterates in hash-bucket order",
    java: /^java\.util\.HashMap\{Integer:16=String:"fie",Integer:256=String:"foe",Integer:1=String:"fee"\}$/,
  },
  "BigInteger 1": { why: BIGINTEGER_FIELDS, java: /^BigInteger:1$/ },
  "BigInteger -2^32": { why: BIGINTEGER_FIELDS, java: /^BigInteger:-4294967296$/ },
  "BigInteger 0": { why: BIGINTEGER_FIELDS, java: /^BigInteger:0$/ },
  "java.time LocalDate": { why: FIELD_ORDER, java: /^java\.time\.LocalDate:2024-01-31$/ },
  "java.time Instant (long seconds)": {
    why: FIELD_ORDER,
    java: /^java\.time\.Instant:2023-11-14T22:13:20\.000000005Z$/,
  },
  // Classes the peer does not have: hessian-lite reads such objects as HashMaps (and writes them so).
  "object Car twice in one message": { why: "no class example.Car in Java", java: /^java\.util\.HashMap\{/ },
  "object 17th class uses O int": { why: "no classes c.C0..c.C16 in Java", java: /^java\.util\.HashMap\{/ },
  "object same class, other fields": { why: "no class a.B in Java", java: /^java\.util\.HashMap\{/ },
  enum: { why: "no enum example.Color in Java", java: /^java\.util\.HashMap\{String:"name"=String:"RED"\}$/ },
  "exception with cause": {
    why: "Java 17 writes a Throwable with its own field order, StackTraceElement's module fields and Collections$EmptyList",
    java: /^org\.dubbomesh\.interop\.DemoException\("demo failure"\) caused by java\.lang\.IllegalStateException\("root cause"\)$/,
  },
  "ref cyclic object": {
    why: "no class LinkedList (unqualified) in Java",
    java: /^java\.util\.HashMap\{String:"head"=Integer:1,String:"tail"=<ref java\.util\.HashMap>\}$/,
  },
};

/** Expected Java rendering of some values, checked on top of the bytes. */
const JAVA_READ: Record<string, string> = {
  "long 300": "Long:300",
  "long 2^53 as bigint": "Long:9007199254740992",
  "long max": "Long:9223372036854775807",
  "float 1.1 widened": "Double:1.100000023841858",
  "string emoji as surrogates": 'String:"😀"',
  "date ms": "Date:894621091000",
  "Set as HashSet": "java.util.HashSet[Integer:1, Integer:2]",
  "String[]": 'java.lang.String[][String:"a", String:"b"]',
  "list compact typed, then a type reference": "int[][Integer:0, Integer:1]",
  "map typed TreeMap": 'java.util.TreeMap{String:"a"=Integer:1}',
  BigDecimal: "BigDecimal:1.50",
  "ref shared map in a list":
    'java.util.ArrayList[java.util.HashMap{String:"x"=Integer:1}, <ref java.util.HashMap>]',
  "POJO User": `${USER}{name=String:"carol",age=Integer:42,tags=java.util.ArrayList[String:"a", String:"b"],attrs=java.util.HashMap{String:"k"=String:"v"},birthday=Date:946684800000,balance=BigDecimal:1234.56}`,
  "POJO Order": `${ORDER}{id=Long:9007199254740993,`,
  "exception with cause":
    'org.dubbomesh.interop.DemoException("demo failure") caused by java.lang.IllegalStateException("root cause")',
};

describe("Hessian2 vs Java hessian-lite: we write, Java reads and writes again", { timeout: 600_000 }, () => {
  const sent: Sent[] = [];
  for (const vector of WIRE_VECTORS) {
    if (vector.write === undefined) continue;
    const encoder = new Hessian2Encoder();
    for (const value of vector.write) encoder.write(value);
    sent.push({ name: vector.name, values: vector.write, hex: encoder.finish().toString("hex") });
  }
  // Classes the peer has: the POJOs and an exception our dispatchers send to Java consumers.
  const pojos: Array<[string, unknown]> = [
    ["POJO User", user("carol", true)],
    ["POJO Order", order(true)],
    [
      "exception with cause",
      java.exception("org.dubbomesh.interop.DemoException", "demo failure", {
        fields: { code: 42 },
        cause: java.exception("java.lang.IllegalStateException", "root cause"),
        stackTrace: [{ declaringClass: "js", methodName: "handler", fileName: "demo.ts", lineNumber: 7 }],
      }),
    ],
  ];
  for (const [name, value] of pojos)
    sent.push({ name, values: [value], hex: new Hessian2Encoder().write(value).finish().toString("hex") });

  let answers = new Map<string, HessianVectorLine>();
  before(async () => {
    const lines = await runHessianVectors(
      "decode",
      sent.map((s) => ({ name: s.name, count: s.values.length, hex: s.hex })),
    );
    answers = new Map(lines.map((l) => [l.name, l]));
  });

  it("Java reads every vector without an error", () => {
    assert.equal(answers.size, sent.length, "one answer per vector");
    const errors = [...answers.values()]
      .filter((a) => a.error !== undefined)
      .map((a) => `${a.name}: ${a.error}`);
    assert.deepEqual(errors, []);
  });

  it("Java writes the values back byte for byte, except where Java writes them its own way", (t) => {
    let identical = 0;
    for (const s of sent) {
      const answer = answers.get(s.name);
      assert.ok(answer?.hex !== undefined, `${s.name}: no answer`);
      const otherwise = JAVA_WRITES_OTHERWISE[s.name];
      if (otherwise === undefined) {
        assert.equal(answer.hex, s.hex, `${s.name}: Java read ${answer.java?.join(" | ")}`);
        identical++;
      } else {
        assert.notEqual(answer.hex, s.hex, `${s.name} is listed as different but came back identical`);
        for (const description of answer.java ?? [])
          assert.match(description, otherwise.java, `${s.name} (${otherwise.why})`);
      }
    }
    assert.ok(identical >= 100, `only ${identical} identical round trips`);
    t.diagnostic(`${identical} of ${sent.length} values came back from Java byte for byte`);
  });

  it("Java reads the Java types we meant", () => {
    for (const [name, expected] of Object.entries(JAVA_READ)) {
      const got = answers.get(name)?.java?.[0] ?? "(no answer)";
      if (expected.endsWith(",")) assert.ok(got.startsWith(expected), `${name}: ${got}`);
      else assert.equal(got, expected, name);
    }
    // The exception is a real DemoException with its own field, built from our bytes.
    const order = answers.get("POJO Order")?.java?.[0] ?? "";
    assert.match(order, /status=org\.dubbomesh\.interop\.OrderStatus\.NEW/);
    assert.match(order, /total=BigDecimal:4\.55/);
    assert.match(order, /quantities=int\[\]\[Integer:3, Integer:2\]/);
    assert.match(order, /created=Date:1704164645678/);
  });
});
