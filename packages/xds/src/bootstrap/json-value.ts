// Typed reads of untrusted JSON with the path of each value, so bootstrap errors can say exactly
// which field is wrong (`bootstrap: node.locality.zone: must be a string`).
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { BootstrapError } from "./bootstrap-error.js";

export class JsonAt {
  constructor(
    readonly value: JsonValue | undefined,
    readonly path: string,
  ) {}

  fail(message: string): never {
    throw new BootstrapError(`bootstrap: ${this.path === "" ? "" : `${this.path}: `}${message}`);
  }

  get present(): boolean {
    return this.value !== undefined && this.value !== null;
  }

  field(name: string): JsonAt {
    const obj = this.object();
    return new JsonAt(obj[name], this.path === "" ? name : `${this.path}.${name}`);
  }

  object(): JsonObject {
    const v = this.value;
    if (v === undefined) this.fail("is required (an object)");
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail("must be an object");
    return v;
  }

  /** Entries of an object, each with its path. */
  entries(): [string, JsonAt][] {
    return Object.entries(this.object()).map(([k, v]) => [
      k,
      new JsonAt(v, `${this.path}[${JSON.stringify(k)}]`),
    ]);
  }

  array(): JsonAt[] {
    if (this.value === undefined) this.fail("is required (an array)");
    if (!Array.isArray(this.value)) this.fail("must be an array");
    return this.value.map((v, i) => new JsonAt(v, `${this.path}[${i}]`));
  }

  string(): string {
    if (typeof this.value !== "string") this.fail("must be a string");
    return this.value;
  }

  nonEmptyString(): string {
    if (typeof this.value !== "string" || this.value === "") this.fail("must be a non-empty string");
    return this.value;
  }

  optionalString(fallback = ""): string {
    return this.present ? this.string() : fallback;
  }

  optionalNonEmptyString(): string | undefined {
    return this.present ? this.nonEmptyString() : undefined;
  }

  /** A protobuf-JSON Duration such as "900s" or "1.5s", in milliseconds. */
  durationMs(): number {
    const text = this.string();
    const m = /^(-?)(\d+)(?:\.(\d{1,9}))?s$/.exec(text);
    if (m === null || m[1] === "-")
      this.fail(`${JSON.stringify(text)} is not a non-negative duration like "900s"`);
    const fraction = (m[3] ?? "").padEnd(3, "0").slice(0, 3);
    return Number(m[2]) * 1000 + Number(fraction);
  }
}
