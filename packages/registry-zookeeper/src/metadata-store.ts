import { decodeMetadata, encodeMetadata, type MetadataInfo } from "./metadata.js";
import { fetchInstanceMetadata } from "./metadata-service-client.js";
import { parentOf, type RegistryPaths } from "./paths.js";
import { type ServiceInstance, STORAGE_TYPE_KEY } from "./service-instance.js";
import { isZkError } from "./zk-error.js";
import type { ZkSession } from "./zk-session.js";

/** How long a local-storage instance gets to answer a MetadataService call. */
const FETCH_TIMEOUT_MS = 3_000;
/** A revision's metadata never changes (the revision is its hash), so successes are kept, up to this many. */
const CACHE_LIMIT = 1_000;

/**
 * MetadataInfo by application and revision: published under `/dubbo/metadata/<app>/<revision>`
 * (Dubbo's `storage-type=remote`), and read from there or, for `local` instances, from the instance
 * itself. Failures are not cached, so the next notification or retry asks again.
 */
export class MetadataStore {
  private readonly cache = new Map<string, MetadataInfo>();
  private readonly inflight = new Map<string, Promise<MetadataInfo | undefined>>();

  constructor(
    private readonly session: ZkSession,
    private readonly paths: RegistryPaths,
  ) {}

  /** Writes the metadata node unless it exists; its content is fixed by the revision, so an existing one is right. */
  async publish(info: MetadataInfo): Promise<void> {
    const path = this.paths.metadata(info.app, info.revision);
    if ((await this.session.exists(path)) !== undefined) return;
    await this.session.ensurePath(parentOf(path));
    try {
      await this.session.create(path, Buffer.from(encodeMetadata(info), "utf8"), "persistent");
    } catch (error) {
      if (!isZkError(error, "NODE_EXISTS")) throw error;
    }
  }

  /**
   * The instance's MetadataInfo for `revision`, or undefined if it cannot be had (no such node, instance
   * unreachable). Transient ZooKeeper failures reject, so callers can tell "missing" from "unknown".
   */
  load(instance: ServiceInstance, revision: string): Promise<MetadataInfo | undefined> {
    const key = `${instance.name}\u0000${revision}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) return Promise.resolve(cached);
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.fetch(instance, revision)
        .then((info) => {
          if (info !== undefined) {
            if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
            this.cache.set(key, info);
          }
          return info;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending;
  }

  private async fetch(instance: ServiceInstance, revision: string): Promise<MetadataInfo | undefined> {
    const storage = instance.metadata[STORAGE_TYPE_KEY] ?? "local";
    if (storage === "remote") {
      const node = await this.session.getData(this.paths.metadata(instance.name, revision));
      return node === undefined ? undefined : decodeMetadata(node.data.toString("utf8"));
    }
    try {
      return await fetchInstanceMetadata(instance, revision, FETCH_TIMEOUT_MS);
    } catch (error) {
      // Some providers publish remotely as well even when the instance says local: try ZooKeeper before giving up.
      const node = await this.session
        .getData(this.paths.metadata(instance.name, revision))
        .catch(() => undefined);
      if (node !== undefined) return decodeMetadata(node.data.toString("utf8"));
      this.session.logger.warn(`metadata ${instance.name}@${revision} unavailable: ${String(error)}`);
      return undefined;
    }
  }
}
