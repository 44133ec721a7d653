// Field-level validation of plain objects (parsed YAML or JSON). Validators record problems against a
// path (`spec.http[0].route[1].weight`); the YAML layer turns a path back into a line, so the checks
// themselves never deal with text positions and the HTTP API reuses them for JSON bodies.

export type FieldPath = readonly (string | number)[];

export interface FieldProblem {
  readonly path: FieldPath;
  readonly message: string;
}

/** Problems of one resource: errors reject it, warnings (fields we ignore) are only reported. */
export class Report {
  readonly errors: FieldProblem[] = [];
  readonly warnings: FieldProblem[] = [];
}

/** A position in the object being checked. */
export class Check {
  constructor(
    readonly report: Report,
    readonly path: FieldPath = [],
  ) {}

  at(key: string | number): Check {
    return new Check(this.report, [...this.path, key]);
  }

  error(message: string): undefined {
    this.report.errors.push({ path: this.path, message });
    return undefined;
  }

  warn(message: string): void {
    this.report.warnings.push({ path: this.path, message });
  }
}

export function formatPath(path: FieldPath): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? p : `.${p}`;
  return out;
}

export type Obj = Readonly<Record<string, unknown>>;

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a map";
  return `a ${typeof v}`;
}

export function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * `v` as a map; null/undefined are "absent". `known` lists the fields the validator reads: others are
 * warnings (Kubernetes prunes unknown fields of Istio CRDs rather than rejecting them).
 */
export function object(v: unknown, c: Check, known?: readonly string[]): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return c.error(`must be a map, got ${typeName(v)}`);
  if (known !== undefined) {
    for (const k of Object.keys(v)) if (!known.includes(k)) c.at(k).warn("unknown field, ignored");
  }
  return v;
}

export function requiredObject(v: unknown, c: Check, known?: readonly string[]): Obj | undefined {
  if (v === undefined || v === null) return c.error("is required");
  return object(v, c, known);
}

export function list(v: unknown, c: Check): readonly unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) return c.error(`must be a list, got ${typeName(v)}`);
  return v;
}

/** Maps each element with `f`, dropping elements whose check failed (their errors are recorded). */
export function listOf<T>(v: unknown, c: Check, f: (item: unknown, c: Check) => T | undefined): T[] {
  const items = list(v, c) ?? [];
  const out: T[] = [];
  items.forEach((item, i) => {
    const r = f(item, c.at(i));
    if (r !== undefined) out.push(r);
  });
  return out;
}

export function string(v: unknown, c: Check): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") return c.error(`must be a string, got ${typeName(v)}`);
  return v;
}

export function requiredString(v: unknown, c: Check): string | undefined {
  if (v === undefined || v === null || v === "") return c.error("is required");
  return string(v, c);
}

export function boolean(v: unknown, c: Check): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") return c.error(`must be true or false, got ${typeName(v)}`);
  return v;
}

/** An integer in [min, max]; YAML users sometimes quote numbers, which Kubernetes rejects too. */
export function integer(v: unknown, c: Check, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) return c.error(`must be an integer, got ${typeName(v)}`);
  if (v < min || v > max) return c.error(`must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function number(v: unknown, c: Check, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) return c.error(`must be a number, got ${typeName(v)}`);
  if (v < min || v > max) return c.error(`must be between ${min} and ${max}, got ${v}`);
  return v;
}

export function oneOf<T extends string>(v: unknown, c: Check, values: readonly T[]): T | undefined {
  const s = string(v, c);
  if (s === undefined) return undefined;
  if (!(values as readonly string[]).includes(s))
    return c.error(`must be one of ${values.join(", ")}, got "${s}"`);
  return s as T;
}

export function stringList(v: unknown, c: Check): string[] {
  return listOf(v, c, (item, ic) => string(item, ic));
}

/** A map of string to string (labels, Dubbo parameters). Numbers and booleans are rejected as Kubernetes does. */
export function stringMap(v: unknown, c: Check): Record<string, string> | undefined {
  const o = object(v, c);
  if (o === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(o)) {
    const s = string(val, c.at(k));
    if (s !== undefined) out[k] = s;
  }
  return out;
}

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 1e-6,
};

/**
 * A duration as Istio reads it (Go's time.ParseDuration: `1.5s`, `100ms`, `1m30s`), in milliseconds.
 * Istio's docs write `timeout: 0.5s` and `baseEjectionTime: 3m`, so both forms are needed.
 */
export function duration(v: unknown, c: Check): number | undefined {
  const s = string(v, c);
  if (s === undefined) return undefined;
  const re = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null = re.exec(s);
  while (m !== null) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    pos = re.lastIndex;
    m = re.exec(s);
  }
  if (pos === 0 || pos !== s.length)
    return c.error(`must be a duration such as "1s", "250ms" or "1m30s", got "${s}"`);
  return total;
}
