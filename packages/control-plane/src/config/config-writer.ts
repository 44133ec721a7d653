// Persists HTTP API writes into the config directory, so they survive a restart and show up where
// users keep their config: a resource that came from a file is replaced in that file (other documents
// and their comments untouched); a new one gets its own file. Without a directory, writes live in
// memory only.
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Document, parseAllDocuments, stringify } from "yaml";
import type { ConfigDirectory } from "./config-directory.js";
import type { ConfigStore } from "./config-store.js";
import { decodeResource } from "./decode-resource.js";
import { formatProblem } from "./problem.js";
import { type AnyResource, type Kind, resourceKey } from "./resource.js";
import { parseResources } from "./yaml-resources.js";

export class ConfigWriteError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const API_SOURCE_PREFIX = "api:";

export class ConfigWriter {
  constructor(
    private readonly store: ConfigStore,
    private readonly directory?: ConfigDirectory,
  ) {}

  /** Creates or replaces; returns whether it was created. */
  put(resource: AnyResource): { created: boolean } {
    const key = resourceKey(resource);
    const source = this.store.sourceOf(key);
    const created = source === undefined;
    if (this.directory === undefined) {
      this.store.setSource(API_SOURCE_PREFIX + key, [resource]);
      return { created };
    }
    if (source === undefined || source.startsWith(API_SOURCE_PREFIX)) {
      const rel = this.newFileName(resource.kind, resource.metadata.namespace, resource.metadata.name);
      this.write(rel, stringify(resource.raw));
      return { created };
    }
    this.rewrite(source, key, resource);
    return { created };
  }

  /** Returns false when there was nothing to delete. */
  delete(kind: Kind, namespace: string, name: string): boolean {
    const key = `${kind}/${namespace}/${name}`;
    const source = this.store.sourceOf(key);
    if (source === undefined) return false;
    if (this.directory === undefined || source.startsWith(API_SOURCE_PREFIX)) {
      this.store.removeSource(source);
      return true;
    }
    this.rewrite(source, key, undefined);
    return true;
  }

  /** Replaces (or with `replacement` undefined, removes) the document defining `key` in file `rel`. */
  private rewrite(rel: string, key: string, replacement: AnyResource | undefined): void {
    const dir = this.directory!.dir;
    const text = readFileSync(join(dir, rel), "utf8");
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) {
      throw new ConfigWriteError(409, `${rel} does not parse; fix the file before writing through the API`);
    }
    const kept: Document[] = [];
    let found = false;
    for (const doc of docs) {
      const decoded =
        doc.contents === null ? undefined : decodeResource(doc.toJS(), { file: rel, line: 1 }).resource;
      if (decoded !== undefined && resourceKey(decoded) === key) {
        found = true;
        if (replacement !== undefined) kept.push(new Document(replacement.raw));
        continue;
      }
      kept.push(doc);
    }
    if (!found) throw new ConfigWriteError(409, `${key} is no longer in ${rel}; retry`);
    const out = kept
      .filter((d) => d.contents !== null)
      .map((d, i) => {
        const s = d.toString();
        return i === 0 || s.startsWith("---") ? s : `---\n${s}`;
      })
      .join("");
    if (out.trim() === "") {
      unlinkSync(join(dir, rel));
      this.directory!.forget(rel);
      return;
    }
    this.write(rel, out);
  }

  private write(rel: string, text: string): void {
    // Other documents of the file may be bad: a file loads as a whole, so refuse rather than write a
    // file that the store would reject (the write would silently not take effect).
    const check = parseResources(text, rel);
    if (!check.ok) {
      const first = check.problems.find((p) => p.severity === "error");
      throw new ConfigWriteError(
        409,
        `${rel} would not load after this write: ${first ? formatProblem(first) : "?"}`,
      );
    }
    const full = join(this.directory!.dir, rel);
    mkdirSync(dirname(full), { recursive: true });
    // Write then rename: the watcher (and a reader) never sees half a file.
    const tmp = join(dirname(full), `.${randomUUID()}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, full);
    this.directory!.load(rel, text);
  }

  private newFileName(kind: Kind, namespace: string, name: string): string {
    const safe = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, "_");
    return `api/${kind.toLowerCase()}.${safe(namespace)}.${safe(name)}.yaml`;
  }
}
