import { createHash } from "node:crypto";
import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { ConsistentHashOptions, LoadBalancer, LoadBalancerOptions } from "./load-balancer.js";

/** Dubbo's default number of virtual nodes per endpoint (`hash.nodes`). */
export const DEFAULT_HASH_NODES = 160;

/**
 * Dubbo's ConsistentHashLoadBalance: a ring of `nodes` virtual nodes per endpoint, placed by MD5 of
 * `host:port` + replica number (each digest gives four 32-bit little-endian points, so 40 digests make
 * the 160 points of one endpoint); a call goes to the first point at or after the MD5 of its key.
 * The same hash as Dubbo Java, so a key lands on the same provider address from either SDK. Weights
 * and warm-up are ignored, as in Dubbo: stickiness is the point.
 *
 * The key is the string form of the arguments at `hash.arguments` (default the first), or of a field
 * inside an object argument (`hash.field`, since a protobuf request is one object), or an attachment
 * (`hash.attachment`).
 */
export class ConsistentHashLoadBalancer implements LoadBalancer {
  readonly name = "consistenthash";
  /** service -> method -> ring. */
  private readonly rings = new Map<string, Map<string, Ring>>();
  private readonly options: ConsistentHashOptions;

  constructor(options: LoadBalancerOptions = {}) {
    this.options = options.hash ?? {};
  }

  select(invokers: readonly Invoker[], invocation: Invocation): Invoker {
    if (invokers.length === 1) return invokers[0];
    let methods = this.rings.get(invocation.service);
    if (methods === undefined) {
      methods = new Map();
      this.rings.set(invocation.service, methods);
    }
    let ring = methods.get(invocation.method);
    if (ring === undefined || !ring.sameMembers(invokers)) {
      ring = new Ring(invokers, this.options.nodes ?? DEFAULT_HASH_NODES);
      methods.set(invocation.method, ring);
    }
    return ring.select(hashKeyOf(invocation, this.options));
  }
}

/** The string a call is hashed by (Dubbo concatenates the selected arguments). */
export function hashKeyOf(invocation: Invocation, options: ConsistentHashOptions): string {
  if (options.attachment !== undefined) {
    const v = invocation.attachment(options.attachment);
    if (v !== undefined) return v;
  }
  const positions = options.arguments ?? [0];
  let key = "";
  for (const i of positions) {
    const arg = invocation.arguments[i];
    if (arg === undefined) continue;
    key += stringOf(options.field === undefined ? arg : pathValue(arg, options.field));
  }
  return key;
}

function pathValue(value: unknown, path: string): unknown {
  let v = value;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function stringOf(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
  return String(v);
}

function md5(text: string): Buffer {
  return createHash("md5").update(text, "utf8").digest();
}

class Ring {
  private readonly points: Uint32Array;
  private readonly owners: Invoker[];
  private readonly members: readonly Invoker[];
  private readonly signature: string;

  constructor(invokers: readonly Invoker[], nodes: number) {
    this.members = invokers;
    this.signature = signatureOf(invokers);
    const raw: { point: number; owner: Invoker }[] = [];
    for (const inv of invokers) {
      for (let i = 0; i < Math.max(1, Math.floor(nodes / 4)); i++) {
        const d = md5(inv.address + i);
        for (let h = 0; h < 4; h++) raw.push({ point: d.readUInt32LE(h * 4), owner: inv });
      }
    }
    raw.sort((a, b) => a.point - b.point);
    this.points = Uint32Array.from(raw, (r) => r.point);
    this.owners = raw.map((r) => r.owner);
  }

  /** Same endpoints as when the ring was built: by identity first (the usual case), then by keys. */
  sameMembers(invokers: readonly Invoker[]): boolean {
    if (invokers === this.members) return true;
    return invokers.length === this.members.length && signatureOf(invokers) === this.signature;
  }

  select(key: string): Invoker {
    const h = md5(key).readUInt32LE(0);
    const p = this.points;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return this.owners[lo === p.length ? 0 : lo];
  }
}

function signatureOf(invokers: readonly Invoker[]): string {
  let s = "";
  for (const inv of invokers) s += `${inv.key},`;
  return s;
}
