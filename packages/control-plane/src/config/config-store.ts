// The ConfigStore: resources grouped by source (a file of the config directory, or `api` when there is
// no directory to persist to), merged into immutable snapshots. Each source is replaced as a whole,
// so a file's last good content stays until the file parses again.
import type { ConfigProblem } from "./problem.js";
import { type AnyResource, type ConfigResource, type Kind, resourceKey } from "./resource.js";

export interface ConfigSnapshot {
  /** Increases with every change. */
  readonly version: number;
  readonly resources: ReadonlyMap<string, AnyResource>;
  list<K extends Kind>(kind: K): readonly ConfigResource<K>[];
  get<K extends Kind>(kind: K, namespace: string, name: string): ConfigResource<K> | undefined;
}

export interface ResourceChange {
  readonly key: string;
  readonly kind: Kind;
  readonly type: "added" | "updated" | "deleted";
}

export interface ConfigChange {
  readonly version: number;
  readonly changes: readonly ResourceChange[];
}

export type ConfigListener = (change: ConfigChange, snapshot: ConfigSnapshot) => void;

class Snapshot implements ConfigSnapshot {
  private readonly byKind = new Map<Kind, AnyResource[]>();

  constructor(
    readonly version: number,
    readonly resources: ReadonlyMap<string, AnyResource>,
  ) {
    // Sorted by namespace and name, so "first wins" conflicts and outputs are deterministic.
    const sorted = [...resources.values()].sort((a, b) =>
      resourceKey(a) < resourceKey(b) ? -1 : resourceKey(a) > resourceKey(b) ? 1 : 0,
    );
    for (const r of sorted) {
      let l = this.byKind.get(r.kind);
      if (l === undefined) {
        l = [];
        this.byKind.set(r.kind, l);
      }
      l.push(r);
    }
  }

  list<K extends Kind>(kind: K): readonly ConfigResource<K>[] {
    return (this.byKind.get(kind) ?? []) as unknown as ConfigResource<K>[];
  }

  get<K extends Kind>(kind: K, namespace: string, name: string): ConfigResource<K> | undefined {
    return this.resources.get(`${kind}/${namespace}/${name}`) as ConfigResource<K> | undefined;
  }
}

export class ConfigStore {
  private readonly sources = new Map<string, readonly AnyResource[]>();
  private readonly problemsBySource = new Map<string, readonly ConfigProblem[]>();
  private readonly listeners = new Set<ConfigListener>();
  private current: ConfigSnapshot = new Snapshot(0, new Map());

  snapshot(): ConfigSnapshot {
    return this.current;
  }

  /** Replaces everything `source` defines. Returns the change, or undefined when nothing changed. */
  setSource(source: string, resources: readonly AnyResource[]): ConfigChange | undefined {
    if (resources.length === 0) this.sources.delete(source);
    else this.sources.set(source, resources);
    return this.rebuild();
  }

  removeSource(source: string): ConfigChange | undefined {
    this.problemsBySource.delete(source);
    if (!this.sources.has(source)) return undefined;
    this.sources.delete(source);
    return this.rebuild();
  }

  /** Problems of the last load of each source (the last good content may still be in force). */
  setProblems(source: string, problems: readonly ConfigProblem[]): void {
    if (problems.length === 0) this.problemsBySource.delete(source);
    else this.problemsBySource.set(source, problems);
  }

  problems(): ConfigProblem[] {
    return [...this.problemsBySource.values()].flat();
  }

  /** Which source defines the resource in force for `key`. */
  sourceOf(key: string): string | undefined {
    for (const source of [...this.sources.keys()].sort()) {
      if (this.sources.get(source)?.some((r) => resourceKey(r) === key)) return source;
    }
    return undefined;
  }

  subscribe(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private rebuild(): ConfigChange | undefined {
    const merged = new Map<string, AnyResource>();
    const conflicts = new Map<string, ConfigProblem[]>();
    // Sources in path order: when two files define the same resource the first one wins, and the
    // other is reported rather than silently overriding it.
    for (const source of [...this.sources.keys()].sort()) {
      for (const r of this.sources.get(source) ?? []) {
        const key = resourceKey(r);
        const existing = merged.get(key);
        if (existing !== undefined) {
          const list = conflicts.get(source) ?? [];
          list.push({
            file: r.source.file,
            line: r.source.line,
            column: 1,
            message: `${key} is already defined in ${existing.source.file}:${existing.source.line}; this definition is ignored`,
            severity: "error",
          });
          conflicts.set(source, list);
          continue;
        }
        merged.set(key, r);
      }
    }
    for (const [source, list] of conflicts) {
      const own = (this.problemsBySource.get(source) ?? []).filter(
        (p) => !p.message.includes("is already defined"),
      );
      this.problemsBySource.set(source, [...own, ...list]);
    }
    const previous = this.current.resources;
    const changes: ResourceChange[] = [];
    for (const [key, r] of merged) {
      const old = previous.get(key);
      if (old === undefined) changes.push({ key, kind: r.kind, type: "added" });
      else if (old.metadata.resourceVersion !== r.metadata.resourceVersion)
        changes.push({ key, kind: r.kind, type: "updated" });
    }
    for (const [key, r] of previous)
      if (!merged.has(key)) changes.push({ key, kind: r.kind, type: "deleted" });
    if (changes.length === 0) return undefined;
    this.current = new Snapshot(this.current.version + 1, merged);
    const change = { version: this.current.version, changes };
    for (const l of this.listeners) l(change, this.current);
    return change;
  }
}
