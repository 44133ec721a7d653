import type { Discovery, Endpoint, ServiceQuery, WatchUpdate } from "@dubbo-mesh/dubbo";

type Listener = (endpoints: readonly Endpoint[], update?: WatchUpdate) => void;

/** Test double: a discovery source the test drives by hand, including unconfirmed empty lists. */
export class ManualDiscovery implements Discovery {
  readonly name = "manual";
  private readonly listeners = new Set<Listener>();

  watch(_query: ServiceQuery, listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(endpoints: readonly Endpoint[], update?: WatchUpdate): void {
    for (const l of this.listeners) l(endpoints, update);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
