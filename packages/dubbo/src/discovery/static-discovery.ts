import type { Discovery, ServiceQuery, WatchUpdate } from "./discovery.js";
import type { Endpoint } from "./endpoint.js";
import { parseEndpointUrl } from "./endpoint-url.js";

export type StaticAddresses = Readonly<Record<string, readonly (string | Endpoint)[]>>;

type Listener = (endpoints: readonly Endpoint[], update?: WatchUpdate) => void;

/**
 * Fixed addresses per service name, for tests and simple setups. Keys are service names as they
 * travel on the wire (`greet.v1.GreetService`, `org.apache.dubbo.demo.DemoService`); values are Dubbo
 * style URLs (`tri://127.0.0.1:50051?weight=200&application=greeter`) or Endpoint objects.
 *
 * An address with a `group` or `version` parameter only answers queries for that group or version
 * (`*` matches any), the way a registry keeps service keys apart. `update()` replaces the list of a
 * service at run time; the list is authoritative, so an empty one empties the consumers' directories.
 */
export class StaticDiscovery implements Discovery {
  readonly name = "static";
  private readonly lists = new Map<string, Endpoint[]>();
  private readonly watchers = new Map<string, Set<{ query: ServiceQuery; listener: Listener }>>();

  constructor(addresses: StaticAddresses = {}) {
    for (const [service, list] of Object.entries(addresses)) this.lists.set(service, list.map(toEndpoint));
  }

  watch(query: ServiceQuery, listener: Listener): () => void {
    let set = this.watchers.get(query.interface);
    if (set === undefined) {
      set = new Set();
      this.watchers.set(query.interface, set);
    }
    const entry = { query, listener };
    set.add(entry);
    // Asynchronously, as a real registry would answer: callers must not depend on a synchronous first update.
    queueMicrotask(() => {
      if (set.has(entry)) listener(this.select(query), { confirmed: true });
    });
    return () => {
      set.delete(entry);
    };
  }

  /** Replaces the addresses of one service and tells every watcher. */
  update(service: string, addresses: readonly (string | Endpoint)[]): void {
    this.lists.set(service, addresses.map(toEndpoint));
    for (const { query, listener } of this.watchers.get(service) ?? []) {
      listener(this.select(query), { confirmed: true });
    }
  }

  async close(): Promise<void> {
    this.watchers.clear();
  }

  private select(query: ServiceQuery): Endpoint[] {
    const list = this.lists.get(query.interface) ?? [];
    return list.filter(
      (e) =>
        matches(e.metadata.group, query.group) &&
        matches(e.metadata.version, query.version) &&
        (query.protocol === undefined || e.protocol === query.protocol),
    );
  }
}

function matches(offered: string | undefined, wanted: string | undefined): boolean {
  if (offered === undefined || offered === "*" || wanted === "*") return true;
  return offered === (wanted ?? "");
}

function toEndpoint(a: string | Endpoint): Endpoint {
  return typeof a === "string" ? parseEndpointUrl(a) : a;
}

export function staticDiscovery(addresses: StaticAddresses = {}): StaticDiscovery {
  return new StaticDiscovery(addresses);
}
