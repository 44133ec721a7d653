/** A governance rule that cannot be applied; the message says why, in terms of the YAML. */
export class RuleError extends Error {
  override readonly name = "RuleError";
}
