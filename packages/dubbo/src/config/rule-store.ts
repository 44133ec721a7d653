import type { Logger } from "../log/logger.js";
import type { ConfigSource } from "./config-source.js";

type Listener<T> = (rule: T | undefined) => void;

interface Entry<T> {
  text: string | undefined;
  rule: T | undefined;
  readonly listeners: Set<Listener<T>>;
  unwatch: () => void;
}

/**
 * The rules of one kind (condition, tag, configurators) from the config source, parsed once per key
 * and shared by every consumer that needs them. A text that does not parse is rejected with one log
 * line naming the key and the reason, and the previous rule stays in force; a deleted key removes the
 * rule. Listeners only ever see valid rules.
 */
export class RuleStore<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly source: ConfigSource | undefined,
    private readonly kind: string,
    private readonly parse: (text: string) => T,
    private readonly logger: Logger,
  ) {}

  /** Current rule under `key` (after the source answered), and every change; returns an unsubscribe. */
  watch(key: string, listener: Listener<T>): () => void {
    const source = this.source;
    if (source === undefined) return () => {};
    let entry = this.entries.get(key);
    if (entry === undefined) {
      const e: Entry<T> = { text: undefined, rule: undefined, listeners: new Set(), unwatch: () => {} };
      this.entries.set(key, e);
      e.unwatch = source.watchRule(key, (text) => this.onText(key, e, text));
      entry = e;
    }
    const e = entry;
    e.listeners.add(listener);
    if (e.rule !== undefined) listener(e.rule);
    return () => {
      e.listeners.delete(listener);
      if (e.listeners.size === 0 && this.entries.get(key) === e) {
        this.entries.delete(key);
        e.unwatch();
      }
    };
  }

  /** The rule in force under `key`, if any. */
  current(key: string): T | undefined {
    return this.entries.get(key)?.rule;
  }

  close(): void {
    for (const e of this.entries.values()) e.unwatch();
    this.entries.clear();
  }

  private onText(key: string, e: Entry<T>, text: string | undefined): void {
    if (text === e.text) return;
    if (text === undefined || text.trim() === "") {
      e.text = text;
      if (e.rule === undefined) return;
      e.rule = undefined;
      this.logger.info({ key, kind: this.kind }, `${this.kind} rule ${key} removed`);
      for (const l of e.listeners) l(undefined);
      return;
    }
    let rule: T;
    try {
      rule = this.parse(text);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.error(
        { key, kind: this.kind, reason },
        `rejected ${this.kind} rule ${key}: ${reason}; ${e.rule === undefined ? "no rule is in force" : "the previous rule stays in force"}`,
      );
      return;
    }
    e.text = text;
    e.rule = rule;
    this.logger.info({ key, kind: this.kind }, `${this.kind} rule ${key} applied`);
    for (const l of e.listeners) l(rule);
  }
}
