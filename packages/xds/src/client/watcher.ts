// What a caller of XdsClient.watch() implements. Watchers only ever see validated resources: an
// invalid update is NACKed and reported through onError while the previous good value stays in force.
import type { XdsClientError } from "./xds-client-error.js";

export interface ResourceWatcher<V> {
  /** A new valid version of the resource (also the cached one, right after watch()). */
  onUpdate(resource: V): void;
  /**
   * The latest update of this resource was rejected, or the ADS stream failed. The last value given
   * to onUpdate (if any) is still the one to use (fail static).
   */
  onError?(error: XdsClientError): void;
  /**
   * The server deleted the resource (LDS/CDS absent from a SotW response, or a delta removal), or it
   * did not arrive within the does-not-exist timeout after being requested.
   */
  onResourceDoesNotExist?(): void;
}

/** Stops one watch; the last stop of a resource unsubscribes from it. Idempotent. */
export type CancelWatch = () => void;
