// Multi-document YAML (or JSON, a subset of YAML) -> checked resources, with every problem located by
// line and column through the yaml package's node ranges. A file is all or nothing: one bad document
// rejects the file, so a half-applied file never reaches the mesh.
import { type Document, isNode, LineCounter, parseAllDocuments } from "yaml";
import { type FieldPath, formatPath } from "./check.js";
import { decodeResource, type ResourceDefaults } from "./decode-resource.js";
import type { ConfigProblem } from "./problem.js";
import type { AnyResource } from "./resource.js";

export interface ParsedFile {
  readonly resources: readonly AnyResource[];
  /** Errors (the file is rejected when there is any) and warnings. */
  readonly problems: readonly ConfigProblem[];
  readonly ok: boolean;
}

/** The node at `path`, or the deepest ancestor that exists (a missing field is reported at its parent). */
function offsetOf(doc: Document, path: FieldPath): number {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return doc.range?.[0] ?? 0;
}

export function parseResources(text: string, file: string, defaults: ResourceDefaults = {}): ParsedFile {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems: ConfigProblem[] = [];
  const resources: AnyResource[] = [];
  const pos = (offset: number) => lineCounter.linePos(offset);
  // An empty stream parses to an EmptyStream object: no documents, no problems.
  if (!Array.isArray(docs)) return { resources, problems, ok: true };
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const p = e.linePos?.[0] ?? pos(e.pos[0]);
        problems.push({
          file,
          line: p.line,
          column: p.col,
          message: firstLine(e.message),
          severity: "error",
        });
      }
      continue;
    }
    if (doc.contents === null) continue; // only comments, or `---` at the end
    const docStart = pos(doc.contents.range[0]);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const result = decodeResource(value, { file, line: docStart.line }, defaults);
    for (const [severity, items] of [
      ["error", result.report.errors],
      ["warning", result.report.warnings],
    ] as const) {
      for (const p of items) {
        const at = pos(offsetOf(doc, result.docPath(p.path)));
        const where = formatPath(p.path);
        problems.push({
          file,
          line: at.line,
          column: at.col,
          message: where === "" ? p.message : `${where}: ${p.message}`,
          severity,
        });
      }
    }
    if (result.resource !== undefined) resources.push(result.resource);
  }
  const ok = !problems.some((p) => p.severity === "error");
  return { resources: ok ? resources : [], problems, ok };
}

function firstLine(s: string): string {
  return s.split("\n")[0];
}
