import type { ConfigSource } from "./config-source.js";

/**
 * An in-memory config center, for unit tests and demos: `put(key, yaml)` plays Dubbo Admin writing a
 * rule, `delete(key)` removing it. The current text reaches a new watcher asynchronously, as from a real
 * config center; `put` and `delete` reach watchers before they return, so a test's next call already
 * sees the change. The ZooKeeper config center lives in `@dubbo-mesh/registry-zookeeper`.
 */
export class InMemoryConfigSource implements ConfigSource {
  readonly name = "memory";
  private readonly rules = new Map<string, string>();
  private readonly listeners = new Map<string, Set<(text: string | undefined) => void>>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [k, v] of Object.entries(initial)) this.rules.set(k, v);
  }

  watchRule(key: string, listener: (text: string | undefined) => void): () => void {
    let set = this.listeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    const current = this.rules.get(key);
    if (current !== undefined) queueMicrotask(() => set.has(listener) && listener(current));
    return () => {
      set.delete(listener);
    };
  }

  put(key: string, text: string): void {
    this.rules.set(key, text);
    this.notify(key, text);
  }

  delete(key: string): void {
    this.rules.delete(key);
    this.notify(key, undefined);
  }

  get(key: string): string | undefined {
    return this.rules.get(key);
  }

  /** Keys someone is watching (to check which rules a consumer looks for). */
  watchedKeys(): string[] {
    return [...this.listeners].filter(([, s]) => s.size > 0).map(([k]) => k);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private notify(key: string, text: string | undefined): void {
    for (const l of this.listeners.get(key) ?? []) l(text);
  }
}

export function inMemoryConfigSource(initial?: Readonly<Record<string, string>>): InMemoryConfigSource {
  return new InMemoryConfigSource(initial);
}
