// Errors handed to watchers. `kind` tells a rejected resource (the NACK reason, naming the field) from
// trouble with the ADS stream itself, and (from the target resolver) valid resources that do not add
// up to a usable configuration; in every case the watcher keeps its last good value.

export type XdsClientErrorKind = "nack" | "connection" | "resolution";

export class XdsClientError extends Error {
  override readonly name = "XdsClientError";

  constructor(
    readonly kind: XdsClientErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
