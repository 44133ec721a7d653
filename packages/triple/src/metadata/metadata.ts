import { isReservedHeader } from "../protocol/headers.js";

export type HeaderValue = string | string[] | undefined;
export type RawHeaders = Record<string, HeaderValue>;
export type MetadataValue = string | Uint8Array;
export type MetadataInit =
  | Metadata
  | Record<string, MetadataValue | MetadataValue[]>
  | Iterable<[string, MetadataValue]>;

/**
 * Request/response metadata (gRPC metadata, Dubbo attachments): lower-cased keys, several values per key,
 * binary values under keys ending in `-bin` (base64 on the wire, as gRPC specifies).
 *
 * Built lazily over the headers node:http2 hands us: a call whose handler never reads its metadata
 * costs one object, not a copy of every header. Protocol headers (pseudo-headers, content-type,
 * grpc-*, timeouts) are filtered out; group and version stay visible since Dubbo treats them as
 * attachments too.
 */
export class Metadata implements Iterable<[string, string]> {
  private raw: RawHeaders | undefined;
  private map: Map<string, string[]> | undefined;

  constructor(init?: MetadataInit) {
    if (init === undefined) return;
    if (init instanceof Metadata) {
      for (const [k, v] of init) this.append(k, v);
      return;
    }
    const entries: Iterable<[string, MetadataValue | MetadataValue[]]> =
      Symbol.iterator in init
        ? (init as Iterable<[string, MetadataValue]>)
        : Object.entries(init as Record<string, MetadataValue | MetadataValue[]>);
    for (const [k, v] of entries) {
      if (Array.isArray(v)) for (const one of v) this.append(k, one);
      else this.append(k, v);
    }
  }

  /** Wraps headers received from the wire without copying them until first use. */
  static fromWire(headers: RawHeaders): Metadata {
    const md = new Metadata();
    md.raw = headers;
    return md;
  }

  private entries(): Map<string, string[]> {
    if (this.map !== undefined) return this.map;
    const map = new Map<string, string[]>();
    const raw = this.raw;
    if (raw !== undefined) {
      for (const key in raw) {
        if (isReservedHeader(key)) continue;
        const v = raw[key];
        if (v === undefined) continue;
        map.set(key, Array.isArray(v) ? v.slice() : [v]);
      }
      this.raw = undefined;
    }
    this.map = map;
    return map;
  }

  get size(): number {
    return this.entries().size;
  }

  has(key: string): boolean {
    return this.entries().has(key.toLowerCase());
  }

  /** The first value of a key (for `-bin` keys, the base64 text; use getBinary for bytes). */
  get(key: string): string | undefined {
    return this.entries().get(key.toLowerCase())?.[0];
  }

  getAll(key: string): string[] {
    return this.entries().get(key.toLowerCase())?.slice() ?? [];
  }

  getBinary(key: string): Uint8Array | undefined {
    const v = this.get(key);
    return v === undefined ? undefined : Buffer.from(v, "base64");
  }

  set(key: string, value: MetadataValue): this {
    const k = checkKey(key, value);
    this.entries().set(k, [encodeValue(k, value)]);
    return this;
  }

  append(key: string, value: MetadataValue): this {
    const k = checkKey(key, value);
    const list = this.entries().get(k);
    const v = encodeValue(k, value);
    if (list) list.push(v);
    else this.entries().set(k, [v]);
    return this;
  }

  delete(key: string): boolean {
    return this.entries().delete(key.toLowerCase());
  }

  keys(): IterableIterator<string> {
    return this.entries().keys();
  }

  *[Symbol.iterator](): IterableIterator<[string, string]> {
    for (const [k, list] of this.entries()) for (const v of list) yield [k, v];
  }

  /** A plain object view: one string per key, or an array when a key has several values. */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const [k, list] of this.entries()) out[k] = list.length === 1 ? list[0] : list.slice();
    return out;
  }

  /** Copies every entry into an outgoing node:http2 / node:http header object. */
  writeTo(target: Record<string, string | string[] | number>, prefix = ""): void {
    const map = this.map;
    if (map === undefined && this.raw === undefined) return;
    for (const [k, list] of this.entries()) {
      if (isReservedHeader(k)) continue;
      target[prefix + k] = list.length === 1 ? list[0] : list.slice();
    }
  }
}

const validKey = /^[0-9a-z_.-]+$/;

function checkKey(key: string, value: MetadataValue): string {
  const k = key.toLowerCase();
  if (!validKey.test(k)) throw new TypeError(`invalid metadata key "${key}": allowed are 0-9 a-z _ . -`);
  if (typeof value !== "string" && !k.endsWith("-bin")) {
    throw new TypeError(`metadata key "${key}" holds binary data and must end with "-bin"`);
  }
  return k;
}

function encodeValue(key: string, value: MetadataValue): string {
  if (typeof value !== "string")
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (!key.endsWith("-bin") && /[^\x20-\x7e]/.test(value)) {
    throw new TypeError(
      `metadata value of "${key}" must be printable ASCII; use a "-bin" key for other data`,
    );
  }
  return value;
}
