// A watcher that writes down everything it is told, for assertions.
import type { ResourceWatcher, XdsClientError } from "../../../src/index.js";

export type WatchEvent<V> =
  | { readonly kind: "update"; readonly value: V }
  | { readonly kind: "error"; readonly error: XdsClientError }
  | { readonly kind: "does_not_exist" };

export class RecordingWatcher<V> implements ResourceWatcher<V> {
  readonly events: WatchEvent<V>[] = [];

  onUpdate(value: V): void {
    this.events.push({ kind: "update", value });
  }

  onError(error: XdsClientError): void {
    this.events.push({ kind: "error", error });
  }

  onResourceDoesNotExist(): void {
    this.events.push({ kind: "does_not_exist" });
  }

  get updates(): V[] {
    return this.events.flatMap((e) => (e.kind === "update" ? [e.value] : []));
  }

  get last(): V | undefined {
    return this.updates.at(-1);
  }

  count(kind: WatchEvent<V>["kind"]): number {
    return this.events.filter((e) => e.kind === kind).length;
  }
}
