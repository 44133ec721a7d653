// The cache behind XdsClient: one entry per subscribed resource with its watchers, its state, its
// does-not-exist timer and the last accepted value. It knows nothing about the wire; the ADS protocols
// (state of the world, delta) feed it decoded batches and read the subscriptions from it.
import { Buffer } from "node:buffer";
import type { Any } from "@bufbuild/protobuf/wkt";
import { clusterType } from "../resources/cluster/cluster-type.js";
import { clusterLoadAssignmentType } from "../resources/cluster-load-assignment/cluster-load-assignment-type.js";
import { listenerType } from "../resources/listener/listener-type.js";
import { type AnyResourceType, type ResourceValues, resourceTypeFor } from "../resources/registry.js";
import { canonicalResourceName } from "../resources/resource-name.js";
import type { ResourceKind } from "../resources/resource-type.js";
import { routeConfigurationType } from "../resources/route-configuration/route-configuration-type.js";
import type { ResourceState, ResourceStatus } from "./client-status.js";
import type { XdsLogger } from "./logger.js";
import type { CancelWatch, ResourceWatcher } from "./watcher.js";
import { XdsClientError } from "./xds-client-error.js";

interface Entry {
  readonly type: AnyResourceType;
  readonly name: string;
  state: ResourceState;
  value: unknown;
  raw: Any | undefined;
  version: string;
  lastUpdated: Date | undefined;
  lastError: { message: string; time: Date; version: string } | undefined;
  readonly watchers: Set<ResourceWatcher<unknown>>;
  timer: NodeJS.Timeout | undefined;
}

/** One resource of a response that passed validation. */
export interface AcceptedResource {
  readonly name: string;
  readonly value: unknown;
  readonly raw: Any;
  readonly version: string;
}

/** One resource of a response that failed to decode or validate. */
export interface RejectedResource {
  /** Absent when the bytes did not decode far enough to name it. */
  readonly name?: string;
  readonly errors: readonly string[];
}

/** A response, decoded and validated, as both protocols hand it over. */
export interface DecodedBatch {
  readonly accepted: readonly AcceptedResource[];
  readonly rejected: readonly RejectedResource[];
  /** Delta: removed_resources. */
  readonly removed: readonly string[];
  /** SotW LDS/CDS: a cached resource absent from the response was deleted. */
  readonly absentMeansDeleted: boolean;
  /** The version the response carried, recorded with rejections. */
  readonly responseVersion: string;
}

export interface ResourceStoreOptions {
  /** The does-not-exist timeout (gRFC A57: 15 s). */
  readonly resourceTimeoutMs: number;
  /** A53 `ignore_resource_deletion`: keep resources the server deletes, and log. */
  readonly ignoreResourceDeletion: boolean;
  readonly logger: XdsLogger;
  /** Called (batched per type, once per microtask) when the set of names of a type changes. */
  readonly onSubscriptionsChanged: (type: AnyResourceType) => void;
}

const typesByKind: Readonly<Record<ResourceKind, AnyResourceType>> = {
  Listener: listenerType,
  RouteConfiguration: routeConfigurationType,
  Cluster: clusterType,
  ClusterLoadAssignment: clusterLoadAssignmentType,
};

/** The resource type of a kind, or a TypeError for a kind that does not exist (a JS caller's typo). */
export function resourceTypeOfKind(kind: ResourceKind): AnyResourceType {
  const type = typesByKind[kind];
  if (type === undefined) throw new TypeError(`unknown resource kind ${JSON.stringify(kind)}`);
  return type;
}

/**
 * memcmp, not a JS loop: the loop took ~50 ms (cold: ~160 ms) per update of a 10,000-endpoint
 * assignment (~2.7 MB), Buffer.compare takes ~0.3 ms (bench/xds.ts).
 */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.compare(a, b) === 0;
}

export class ResourceStore {
  /** type URL (v3) -> canonical name -> entry */
  readonly #byType = new Map<string, Map<string, Entry>>();
  readonly #types = new Map<string, AnyResourceType>();
  readonly #options: ResourceStoreOptions;
  readonly #pendingChanges = new Set<AnyResourceType>();
  #connected = false;
  #closed = false;

  constructor(options: ResourceStoreOptions) {
    this.#options = options;
  }

  watch<K extends ResourceKind>(
    kind: K,
    name: string,
    watcher: ResourceWatcher<ResourceValues[K]>,
  ): CancelWatch {
    if (this.#closed) throw new Error("the xDS client is closed");
    const type = resourceTypeOfKind(kind);
    this.#types.set(type.typeUrl, type);
    let entries = this.#byType.get(type.typeUrl);
    if (entries === undefined) {
      entries = new Map();
      this.#byType.set(type.typeUrl, entries);
    }
    const key = canonicalResourceName(name);
    let entry = entries.get(key);
    const w = watcher as ResourceWatcher<unknown>;
    if (entry === undefined) {
      entry = {
        type,
        name,
        state: "requested",
        value: undefined,
        raw: undefined,
        version: "",
        lastUpdated: undefined,
        lastError: undefined,
        watchers: new Set([w]),
        timer: undefined,
      };
      entries.set(key, entry);
      this.#changed(type);
    } else {
      entry.watchers.add(w);
      this.#replay(entry, w);
    }
    const owner = entries;
    const it = entry;
    let cancelled = false;
    return () => {
      if (cancelled) return;
      cancelled = true;
      it.watchers.delete(w);
      if (it.watchers.size > 0 || owner.get(key) !== it) return;
      // The last watcher: forget the resource (grpc-go drops it from the cache too) and unsubscribe.
      if (it.timer !== undefined) clearTimeout(it.timer);
      owner.delete(key);
      this.#changed(type);
    };
  }

  /** What a new watcher of an already known resource is told, after watch() has returned. */
  #replay(entry: Entry, w: ResourceWatcher<unknown>): void {
    queueMicrotask(() => {
      if (!entry.watchers.has(w)) return;
      if (entry.value !== undefined) this.#safely(() => w.onUpdate(entry.value));
      else if (entry.state === "does_not_exist") this.#safely(() => w.onResourceDoesNotExist?.());
      if (entry.state === "nacked" && entry.lastError !== undefined) {
        const message = entry.lastError.message;
        this.#safely(() => w.onError?.(new XdsClientError("nack", message)));
      }
    });
  }

  #changed(type: AnyResourceType): void {
    if (this.#pendingChanges.size === 0) {
      queueMicrotask(() => {
        const types = [...this.#pendingChanges];
        this.#pendingChanges.clear();
        if (this.#closed) return;
        for (const t of types) this.#options.onSubscriptionsChanged(t);
      });
    }
    this.#pendingChanges.add(type);
  }

  /** Types that have, or had on this client, subscriptions (an emptied type still needs a request). */
  types(): AnyResourceType[] {
    return [...this.#types.values()];
  }

  typeFor(typeUrl: string): AnyResourceType | undefined {
    const type = resourceTypeFor(typeUrl);
    return type === undefined ? undefined : this.#types.get(type.typeUrl);
  }

  /** The names to request for a type, sorted so that requests are stable. */
  subscribedNames(type: AnyResourceType): string[] {
    return [...(this.#byType.get(type.typeUrl)?.values() ?? [])].map((e) => e.name).sort();
  }

  /** Delta initial_resource_versions: the versions of resources we hold a value for. */
  knownVersions(type: AnyResourceType): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.#byType.get(type.typeUrl)?.values() ?? []) {
      if (e.value !== undefined && e.version !== "") out[e.name] = e.version;
    }
    return out;
  }

  isSubscribed(type: AnyResourceType, name: string): boolean {
    return this.#byType.get(type.typeUrl)?.has(canonicalResourceName(name)) === true;
  }

  /**
   * The stream is connected (or not). Disconnecting stops every does-not-exist timer: a resource is
   * not missing because the server is unreachable (A57). Timers start again once requests are resent.
   */
  setConnected(connected: boolean): void {
    this.#connected = connected;
    if (connected) return;
    for (const entries of this.#byType.values()) {
      for (const e of entries.values()) {
        if (e.timer !== undefined) clearTimeout(e.timer);
        e.timer = undefined;
      }
    }
  }

  /** The subscriptions of `type` went out on a connected stream: start timers for what has no value. */
  requestsSent(type: AnyResourceType): void {
    if (!this.#connected || this.#closed) return;
    for (const e of this.#byType.get(type.typeUrl)?.values() ?? []) {
      if (e.timer !== undefined || e.state !== "requested" || e.value !== undefined) continue;
      e.timer = setTimeout(() => this.#timedOut(e), this.#options.resourceTimeoutMs);
      e.timer.unref();
    }
  }

  #timedOut(e: Entry): void {
    e.timer = undefined;
    if (e.state !== "requested" || e.value !== undefined) return;
    e.state = "does_not_exist";
    e.lastUpdated = new Date();
    this.#options.logger.info(`${e.type.kind} ${JSON.stringify(e.name)} does not exist (timeout)`);
    for (const w of [...e.watchers]) this.#safely(() => w.onResourceDoesNotExist?.());
  }

  /**
   * Applies a decoded response: valid resources replace the cached ones (also when others in the same
   * response were invalid, gRFC A46), rejected ones keep their last good value and tell their watchers,
   * deletions clear the value. Returns the NACK reasons, one line per rejected resource; empty = ACK.
   */
  apply(type: AnyResourceType, batch: DecodedBatch): string[] {
    const entries = this.#byType.get(type.typeUrl) ?? new Map<string, Entry>();
    const now = new Date();
    const notify: (() => void)[] = [];
    const seen = new Set<string>();
    for (const r of batch.accepted) {
      const key = canonicalResourceName(r.name);
      seen.add(key);
      const e = entries.get(key);
      if (e === undefined) continue; // not (or no longer) subscribed
      if (e.timer !== undefined) clearTimeout(e.timer);
      e.timer = undefined;
      const unchanged = e.raw !== undefined && e.value !== undefined && sameBytes(e.raw.value, r.raw.value);
      e.version = r.version;
      e.state = "acked";
      e.lastError = undefined;
      if (unchanged) continue; // a resend (or another resource's change): watchers already have it
      e.value = r.value;
      e.raw = r.raw;
      e.lastUpdated = now;
      const value = r.value;
      for (const w of [...e.watchers]) notify.push(() => w.onUpdate(value));
    }
    const reasons: string[] = [];
    let anonymous = false;
    for (const r of batch.rejected) {
      reasons.push(...r.errors);
      if (r.name === undefined) {
        anonymous = true;
        continue;
      }
      const key = canonicalResourceName(r.name);
      seen.add(key);
      const e = entries.get(key);
      if (e === undefined) continue;
      // It exists on the server, just not in a form we accept: not a does-not-exist case.
      if (e.timer !== undefined) clearTimeout(e.timer);
      e.timer = undefined;
      const message = r.errors.join("; ");
      // A server that resends the rejected response after the NACK (go-control-plane does) must not
      // make watchers hear the same error again and again.
      const repeated = e.state === "nacked" && e.lastError?.message === message;
      e.state = "nacked";
      e.lastError = { message, time: now, version: batch.responseVersion };
      if (repeated) continue;
      const error = new XdsClientError("nack", message);
      for (const w of [...e.watchers]) notify.push(() => w.onError?.(error));
    }
    const deleted: Entry[] = [];
    for (const name of batch.removed) {
      const e = entries.get(canonicalResourceName(name));
      if (e !== undefined) deleted.push(e);
    }
    // A resource we could not even name may be one of ours, so nothing counts as absent then.
    if (batch.absentMeansDeleted && !anonymous) {
      for (const [key, e] of entries) {
        if (!seen.has(key) && (e.value !== undefined || e.state === "nacked")) deleted.push(e);
      }
    }
    for (const e of deleted) {
      if (this.#options.ignoreResourceDeletion) {
        if (e.value !== undefined)
          this.#options.logger.warn(
            `ignoring deletion of ${e.type.kind} ${JSON.stringify(e.name)} (ignore_resource_deletion)`,
          );
        continue;
      }
      if (e.state === "does_not_exist") continue;
      if (e.timer !== undefined) clearTimeout(e.timer);
      e.timer = undefined;
      e.state = "does_not_exist";
      e.value = undefined;
      e.raw = undefined;
      e.version = "";
      e.lastUpdated = now;
      for (const w of [...e.watchers]) notify.push(() => w.onResourceDoesNotExist?.());
    }
    for (const n of notify) this.#safely(n);
    return reasons;
  }

  /** The ADS stream failed: every watcher hears it and keeps what it has. */
  reportConnectionError(error: XdsClientError): void {
    for (const entries of this.#byType.values()) {
      for (const e of entries.values())
        for (const w of [...e.watchers]) this.#safely(() => w.onError?.(error));
    }
  }

  dump(): ResourceStatus[] {
    const out: ResourceStatus[] = [];
    for (const entries of this.#byType.values()) {
      for (const e of entries.values()) {
        out.push({
          kind: e.type.kind,
          typeUrl: e.type.typeUrl,
          name: e.name,
          version: e.version,
          state: e.state,
          ...(e.lastUpdated === undefined ? {} : { lastUpdated: e.lastUpdated }),
          ...(e.lastError === undefined ? {} : { lastError: { ...e.lastError } }),
          ...(e.raw === undefined ? {} : { raw: e.raw }),
        });
      }
    }
    return out;
  }

  /** A watcher that throws must not break the client or the other watchers; it is logged instead. */
  #safely(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.#options.logger.warn(
        `a watcher threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
  }

  close(): void {
    this.#closed = true;
    this.setConnected(false);
  }
}
