// The `java` helpers: one short call to say "this value is a Java X" where the default mapping of a plain
// JavaScript value is not what the Java side declares. Each helper validates its input now, so a bad value
// fails at the call site instead of as a ClassCastException on the Java side.

import { exception } from "./java-throwable.js";
import * as time from "./java-time.js";
import {
  JavaBigDecimal,
  JavaBigInteger,
  JavaChar,
  JavaDouble,
  JavaEnum,
  JavaInt,
  JavaList,
  JavaLong,
  JavaMap,
  JavaObject,
} from "./java-types.js";

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

function intInRange(type: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`java.${type}: ${value} is not a Java ${type} (${min}..${max})`);
  }
  return value;
}

function toLong(value: number | bigint | string): number | bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`java.long: ${value} is not a safe integer; pass a bigint or a decimal string`);
    }
    return value;
  }
  const big = typeof value === "bigint" ? value : parseBigInt("long", value);
  if (big < LONG_MIN || big > LONG_MAX) throw new RangeError(`java.long: ${big} does not fit 64 bits`);
  return big;
}

function parseBigInt(type: string, value: string): bigint {
  if (!/^[+-]?\d+$/.test(value.trim())) throw new RangeError(`java.${type}: "${value}" is not an integer`);
  return BigInt(value.trim());
}

// java.math.BigDecimal(String) grammar: optional sign, digits with an optional fraction, optional exponent.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function toDecimalString(value: string | number | bigint): string {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`java.bigDecimal: ${value} has no decimal form`);
    return String(value);
  }
  if (!DECIMAL.test(value)) throw new RangeError(`java.bigDecimal: "${value}" is not a decimal number`);
  return value;
}

function arrayType(componentType: string): string {
  // Java's ArraySerializer spells a few component types specially; everything else is the class name.
  switch (componentType) {
    case "java.lang.String":
      return "[string";
    case "java.lang.Object":
      return "[object";
    case "java.util.Date":
      return "[date";
    default:
      return `[${componentType}`;
  }
}

export const java = {
  /** Java int (and Integer). Plain integers in int range already encode as int. */
  int: (value: number): JavaInt => new JavaInt(intInRange("int", value, -0x80000000, 0x7fffffff), "int"),
  /** Java short: sent as a Hessian int. */
  short: (value: number): JavaInt => new JavaInt(intInRange("short", value, -0x8000, 0x7fff), "short"),
  /** Java byte: sent as a Hessian int. */
  byte: (value: number): JavaInt => new JavaInt(intInRange("byte", value, -0x80, 0x7f), "byte"),
  /** Java long (and Long), from a safe integer, a bigint or a decimal string. */
  long: (value: number | bigint | string): JavaLong => new JavaLong(toLong(value)),
  /** Java double (and Double), also for integral values that would otherwise encode as int. */
  double: (value: number): JavaDouble => new JavaDouble(value, "double"),
  /** Java float: rounded to single precision, then sent as a double (as Java widens it). */
  float: (value: number): JavaDouble => new JavaDouble(Math.fround(value), "float"),
  /** Java char: one UTF-16 code unit, sent as a one-character string. */
  char: (value: string): JavaChar => {
    if (value.length !== 1) throw new RangeError(`java.char: expected one UTF-16 code unit, got "${value}"`);
    return new JavaChar(value);
  },
  /** An instance of a Java class; field order is the key order. */
  object: (className: string, fields: Record<string, unknown>): JavaObject =>
    new JavaObject(className, fields),
  /** A typed list, e.g. `java.list("java.util.HashSet", [...])`; `null` type writes an untyped list. */
  list: (className: string | null, items: readonly unknown[]): JavaList =>
    new JavaList(className ?? undefined, items),
  /** A Java array, e.g. `java.array("int", [1, 2])` ("[int") or `java.array("com.foo.User", users)`. */
  array: (componentType: string, items: readonly unknown[]): JavaList =>
    new JavaList(arrayType(componentType), items),
  /** A typed map, e.g. `java.map("java.util.TreeMap", {...})`; `null` type writes an untyped map ('H'). */
  map: (
    className: string | null,
    entries: ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>>,
  ): JavaMap => new JavaMap(className ?? undefined, entries),
  /** A Java enum constant. */
  enum: (className: string, name: string): JavaEnum => new JavaEnum(className, name),
  /** java.math.BigDecimal from its decimal string (kept exact), a finite number or a bigint. */
  bigDecimal: (value: string | number | bigint): JavaBigDecimal => new JavaBigDecimal(toDecimalString(value)),
  /** java.math.BigInteger from a bigint, an integer number or a decimal string. */
  bigInteger: (value: bigint | number | string): JavaBigInteger => {
    if (typeof value === "number" && !Number.isInteger(value)) {
      throw new RangeError(`java.bigInteger: ${value} is not an integer`);
    }
    return new JavaBigInteger(typeof value === "string" ? parseBigInt("bigInteger", value) : BigInt(value));
  },
  /** A Java exception (Throwable) with message, optional cause and stack trace. */
  exception,
  localDate: time.localDate,
  localTime: time.localTime,
  localDateTime: time.localDateTime,
  instant: time.instant,
  duration: time.duration,
  period: time.period,
  year: time.year,
  yearMonth: time.yearMonth,
  monthDay: time.monthDay,
  zoneOffset: time.zoneOffset,
  zoneId: time.zoneId,
  offsetTime: time.offsetTime,
  offsetDateTime: time.offsetDateTime,
  zonedDateTime: time.zonedDateTime,
} as const;
