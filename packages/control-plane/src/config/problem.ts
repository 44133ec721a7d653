// A rejected resource or file, located for a human: `file:line:column: message`.

export interface ConfigProblem {
  /** Config-directory-relative path, or `api` for request bodies. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly severity: "error" | "warning";
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${p.message}`;
}
