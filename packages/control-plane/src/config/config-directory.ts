// The watched config directory: every *.yaml, *.yml and *.json file under it (recursively) is a source
// of the ConfigStore. fs.watch events are only hints (editors save through renames, and events
// coalesce), so after a debounce the directory is rescanned and files whose content changed reload.
import { createHash } from "node:crypto";
import { type FSWatcher, mkdirSync, readdirSync, readFileSync, statSync, watch } from "node:fs";
import { join, relative, sep } from "node:path";
import type { ConfigStore } from "./config-store.js";
import type { ConfigProblem } from "./problem.js";
import { parseResources } from "./yaml-resources.js";

export interface ConfigDirectoryOptions {
  /** Quiet time after the last file event before rescanning (default 100 ms). */
  debounceMs?: number;
  /** Told about every rejected file (after the store has kept the last good content). */
  onProblems?: (file: string, problems: readonly ConfigProblem[]) => void;
}

const CONFIG_FILE = /\.(ya?ml|json)$/i;

export class ConfigDirectory {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Relative path -> content hash of the last load (good or bad). */
  private readonly loaded = new Map<string, string>();
  private readonly debounceMs: number;

  constructor(
    readonly dir: string,
    private readonly store: ConfigStore,
    private readonly options: ConfigDirectoryOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 100;
  }

  /** Loads every file, then watches. */
  start(): void {
    mkdirSync(this.dir, { recursive: true });
    this.rescan();
    this.watcher = watch(this.dir, { recursive: true }, () => this.schedule());
    this.watcher.on("error", () => this.schedule());
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.rescan(), this.debounceMs);
    this.timer.unref();
  }

  /** Reloads files whose content changed and drops files that are gone. Safe to call any time. */
  rescan(): void {
    const present = new Set<string>();
    for (const file of this.listFiles(this.dir)) {
      const rel = relative(this.dir, file).split(sep).join("/");
      present.add(rel);
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch {
        continue; // vanished between listing and reading: the next event rescans
      }
      this.load(rel, text);
    }
    for (const rel of [...this.loaded.keys()]) {
      if (!present.has(rel)) {
        this.loaded.delete(rel);
        this.store.removeSource(rel);
      }
    }
  }

  /** Loads one file's text now (the HTTP API calls this right after writing, not waiting for the watch). */
  load(rel: string, text: string): void {
    const hash = createHash("sha1").update(text).digest("base64");
    if (this.loaded.get(rel) === hash) return;
    this.loaded.set(rel, hash);
    const parsed = parseResources(text, rel);
    this.store.setProblems(rel, parsed.problems);
    if (parsed.ok) {
      this.store.setSource(rel, parsed.resources);
    } else {
      this.options.onProblems?.(rel, parsed.problems);
    }
  }

  forget(rel: string): void {
    this.loaded.delete(rel);
    this.store.removeSource(rel);
  }

  private listFiles(dir: string): string[] {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const name of entries.sort()) {
      if (name.startsWith(".")) continue; // editor swap files, .git
      const full = join(dir, name);
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) out.push(...this.listFiles(full));
      else if (CONFIG_FILE.test(name)) out.push(full);
    }
    return out;
  }
}
