// The result shape every validator returns, and the collector that gives each error message the path
// of the field it is about. xDS NACKs carry these strings back to the control plane, so an operator
// reading istiod's logs must be able to find the field without our source code.

/** A validated value, or every problem found (validators keep going after the first one). */
export type Validated<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Collects errors under a field path such as `virtual_hosts[0].routes[2].match`. Children share the
 * parent's list, so one collector can be handed down a tree of helpers.
 */
export class FieldErrors {
  readonly #sink: string[];
  readonly #path: string;

  constructor(path = "", sink: string[] = []) {
    this.#path = path;
    this.#sink = sink;
  }

  /** The collector for a child field: `at("routes").at(2)` names `routes[2]`. */
  at(field: string | number): FieldErrors {
    if (typeof field === "number") return new FieldErrors(`${this.#path}[${field}]`, this.#sink);
    if (this.#path === "") return new FieldErrors(field, this.#sink);
    return new FieldErrors(`${this.#path}.${field}`, this.#sink);
  }

  /** The collector for a map entry: `entry("typed_per_filter_config", "fault")`. */
  entry(field: string, key: string): FieldErrors {
    return this.at(field).#withSuffix(`[${JSON.stringify(key)}]`);
  }

  #withSuffix(suffix: string): FieldErrors {
    return new FieldErrors(`${this.#path}${suffix}`, this.#sink);
  }

  add(message: string): void {
    this.#sink.push(this.#path === "" ? message : `${this.#path}: ${message}`);
  }

  get path(): string {
    return this.#path;
  }

  get count(): number {
    return this.#sink.length;
  }

  get list(): readonly string[] {
    return this.#sink;
  }
}

/** Wraps a value built alongside `errors`: valid only when no error was recorded. */
export function validated<T>(errors: FieldErrors, value: T): Validated<T> {
  return errors.count === 0 ? { ok: true, value } : { ok: false, errors: [...errors.list] };
}
