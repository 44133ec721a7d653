// How a JavaScript value says which Java type it is.
//
// Plain values need no wrapping (see the mapping table in README.md). When the default is not the Java
// type the peer expects, a small marker object says so: `java.long(5)`, `java.object("com.foo.User", {...})`.
// Decoded values remember their Java type without showing it as data: a decoded object's class (and a
// typed map's type) is `JAVA_CLASS` (`JAVA_MAP_TYPE`) on a prototype shared by all objects of that class;
// typed lists and typed `Map`s carry it as a non-enumerable own property. Either way it is invisible to
// JSON.stringify, Object.keys and spreading, and it makes the value encode back to the same Java type.

/** Java class name of a decoded object (inherited), typed list or typed `Map` (own, non-enumerable). */
export const JAVA_CLASS: unique symbol = Symbol.for("@dubbo-mesh/hessian2.javaClass");

/**
 * Map type of a typed Hessian map ('M', e.g. java.util.LinkedHashMap) decoded as a plain object (inherited).
 * A separate symbol because an object carrying `JAVA_CLASS` is encoded as a Java object ('C'/'O').
 */
export const JAVA_MAP_TYPE: unique symbol = Symbol.for("@dubbo-mesh/hessian2.javaMapType");

/** Java's int-sized primitives all travel as a Hessian int. */
export type JavaIntType = "int" | "short" | "byte";
/** Java's floating-point primitives all travel as a Hessian double. */
export type JavaDoubleType = "double" | "float";

/**
 * Base class of the markers built by the `java` helpers. `kind` is a prototype getter, not a field, so a
 * marker prints and compares as just its data.
 */
export abstract class JavaValue {
  abstract readonly kind: string;
}

export class JavaInt extends JavaValue {
  get kind(): "int" {
    return "int";
  }
  constructor(
    readonly value: number,
    readonly javaType: JavaIntType,
  ) {
    super();
  }
}

export class JavaLong extends JavaValue {
  get kind(): "long" {
    return "long";
  }
  constructor(readonly value: number | bigint) {
    super();
  }
}

export class JavaDouble extends JavaValue {
  get kind(): "double" {
    return "double";
  }
  constructor(
    readonly value: number,
    readonly javaType: JavaDoubleType,
  ) {
    super();
  }
}

/** A Java `char`: Hessian sends it as a one-character string. */
export class JavaChar extends JavaValue {
  get kind(): "char" {
    return "char";
  }
  constructor(readonly value: string) {
    super();
  }
}

/** An instance of a Java class: encoded as a class definition ('C') plus an instance ('O' / 0x60-0x6f). */
export class JavaObject extends JavaValue {
  get kind(): "object" {
    return "object";
  }
  constructor(
    readonly className: string,
    /** Field values by name; field order is the key order. */
    readonly fields: Record<string, unknown>,
  ) {
    super();
  }
}

/** A list with an explicit Java type (a collection class such as java.util.HashSet, or an array such as "[int"). */
export class JavaList extends JavaValue {
  get kind(): "list" {
    return "list";
  }
  constructor(
    /** `undefined` writes an untyped list (what Java does for java.util.ArrayList). */
    readonly className: string | undefined,
    readonly items: readonly unknown[],
  ) {
    super();
  }
}

/** A map with an explicit Java type (e.g. java.util.TreeMap), or an untyped map with non-string keys. */
export class JavaMap extends JavaValue {
  get kind(): "map" {
    return "map";
  }
  constructor(
    /** `undefined` writes an untyped map 'H' (what Java does for java.util.HashMap). */
    readonly className: string | undefined,
    readonly entries: ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>>,
  ) {
    super();
  }
}

/** A Java enum constant: Hessian sends an object of the enum class with one field, `name`. */
export class JavaEnum extends JavaValue {
  get kind(): "enum" {
    return "enum";
  }
  constructor(
    readonly className: string,
    readonly name: string,
  ) {
    super();
  }
}

/**
 * java.math.BigDecimal. Hessian (Java's StringValueSerializer) sends it as an object of class
 * java.math.BigDecimal with one field, `value`, holding `toString()`. The decoder returns this class too.
 */
export class JavaBigDecimal extends JavaValue {
  get kind(): "bigDecimal" {
    return "bigDecimal";
  }
  constructor(readonly value: string) {
    super();
  }
  override toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/**
 * java.math.BigInteger. Java has no dedicated serializer for it, so it travels as a bean with the fields
 * `signum` (int) and `mag` (big-endian int[] magnitude); hessian-lite rebuilds it from those. The decoder
 * returns this class too.
 */
export class JavaBigInteger extends JavaValue {
  get kind(): "bigInteger" {
    return "bigInteger";
  }
  constructor(readonly value: bigint) {
    super();
  }
  override toString(): string {
    return this.value.toString();
  }
  toJSON(): string {
    return this.value.toString();
  }
}

/** Every marker the encoder understands, as a discriminated union on `kind`. */
export type JavaMarker =
  | JavaInt
  | JavaLong
  | JavaDouble
  | JavaChar
  | JavaObject
  | JavaList
  | JavaMap
  | JavaEnum
  | JavaBigDecimal
  | JavaBigInteger;

/** What the decoder returns. Plain data, plus the two big-number classes. */
export type HessianValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Date
  | Buffer
  | HessianList
  | HessianObject
  | HessianMap
  | JavaBigDecimal
  | JavaBigInteger;

/** A decoded list; typed lists (e.g. "[int", "java.util.HashSet") carry their type in `JAVA_CLASS`. */
export interface HessianList extends Array<HessianValue> {
  [JAVA_CLASS]?: string;
}

/**
 * A decoded Java object (`JAVA_CLASS` set) or a decoded map with string keys (`JAVA_MAP_TYPE` set when the
 * map was typed).
 */
export interface HessianObject {
  [field: string]: HessianValue;
  [JAVA_CLASS]?: string;
  [JAVA_MAP_TYPE]?: string;
}

/** A decoded map with non-string keys (or every map with `mapType: "map"`); typed ones carry `JAVA_CLASS`. */
export interface HessianMap extends Map<HessianValue, HessianValue> {
  [JAVA_CLASS]?: string;
}

/** The Java class a value will be encoded as, or was decoded from; `undefined` for plain values. */
export function javaClassOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (value instanceof JavaValue) {
    const marker = value as JavaMarker;
    switch (marker.kind) {
      case "object":
      case "enum":
      case "list":
      case "map":
        return marker.className;
      case "bigDecimal":
        return "java.math.BigDecimal";
      case "bigInteger":
        return "java.math.BigInteger";
      default:
        return undefined;
    }
  }
  const tagged = value as { [JAVA_CLASS]?: unknown; [JAVA_MAP_TYPE]?: unknown };
  const cls = tagged[JAVA_CLASS] ?? tagged[JAVA_MAP_TYPE];
  return typeof cls === "string" ? cls : undefined;
}

// Decoded Java objects get their class from a prototype shared by every object of that class, not from an
// own property: defining a non-enumerable own property per object costs more than building the whole
// object, and a shared prototype keeps decoded objects of one class deep-equal to each other.
const PROTOTYPE_CACHE_MAX = 10_000;
const classPrototypes = new Map<string, object>();
const mapPrototypes = new Map<string, object>();
const ourPrototypes = new WeakSet<object>();

function prototypeFor(cache: Map<string, object>, key: symbol, name: string): object {
  let proto = cache.get(name);
  if (proto === undefined) {
    proto = Object.create(Object.prototype, { [key]: { value: name, enumerable: false } }) as object;
    ourPrototypes.add(proto);
    // Past the cap (a peer inventing class names) prototypes are still correct, just not shared.
    if (cache.size < PROTOTYPE_CACHE_MAX) cache.set(name, proto);
  }
  return proto;
}

/** The shared prototype of decoded objects of `className` (its `JAVA_CLASS` is the class name). */
export function javaClassPrototype(className: string): object {
  return prototypeFor(classPrototypes, JAVA_CLASS, className);
}

/** The shared prototype of typed maps of `type` decoded as plain objects (their `JAVA_MAP_TYPE`). */
export function javaMapPrototype(type: string): object {
  return prototypeFor(mapPrototypes, JAVA_MAP_TYPE, type);
}

/** A plain object, or one whose prototype is a Java class / map type prototype of ours. */
export function isRecordLike(value: object): boolean {
  const proto: object | null = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || ourPrototypes.has(proto);
}

/**
 * Tags a value with a Java class, in place, and returns it: a plain object is then encoded as an object of
 * that class (it gets the same prototype as decoded objects of the class, so the two compare deep-equal),
 * an array as a typed list, a `Map` as a typed map. Other objects get a non-enumerable own property.
 */
export function setJavaClass<T extends object>(value: T, className: string): T {
  if (!Array.isArray(value) && isRecordLike(value)) {
    return Object.setPrototypeOf(value, javaClassPrototype(className)) as T;
  }
  Object.defineProperty(value, JAVA_CLASS, {
    value: className,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return value;
}

/** Tags a plain object, in place, to be encoded as a typed map ('M') of `type`, e.g. java.util.LinkedHashMap. */
export function setJavaMapType<T extends object>(value: T, type: string): T {
  if (Array.isArray(value) || !isRecordLike(value))
    throw new TypeError("setJavaMapType expects a plain object");
  return Object.setPrototypeOf(value, javaMapPrototype(type)) as T;
}
