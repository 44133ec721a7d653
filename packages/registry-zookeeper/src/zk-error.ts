import zookeeper from "node-zookeeper-client";

/** The ZooKeeper error codes this package acts on, plus our own TIMEOUT and CLOSED. */
export type ZkErrorCode =
  | "NO_NODE"
  | "NODE_EXISTS"
  | "BAD_VERSION"
  | "NOT_EMPTY"
  | "CONNECTION_LOSS"
  | "SESSION_EXPIRED"
  | "TIMEOUT"
  | "CLOSED"
  | "OTHER";

/** A failed ZooKeeper operation with a code callers can branch on instead of parsing messages. */
export class ZkError extends Error {
  override readonly name = "ZkError";
  constructor(
    readonly code: ZkErrorCode,
    readonly path: string,
    message?: string,
  ) {
    super(message ?? `${code} at ${path}`);
  }

  /** True for failures that say nothing about the data: the request may not even have reached ZooKeeper. */
  get transient(): boolean {
    return (
      this.code === "CONNECTION_LOSS" ||
      this.code === "SESSION_EXPIRED" ||
      this.code === "TIMEOUT" ||
      this.code === "OTHER"
    );
  }
}

const byNumber = new Map<number, ZkErrorCode>([
  [zookeeper.Exception.NO_NODE, "NO_NODE"],
  [zookeeper.Exception.NODE_EXISTS, "NODE_EXISTS"],
  [zookeeper.Exception.BAD_VERSION, "BAD_VERSION"],
  [zookeeper.Exception.NOT_EMPTY, "NOT_EMPTY"],
  [zookeeper.Exception.CONNECTION_LOSS, "CONNECTION_LOSS"],
  [zookeeper.Exception.SESSION_EXPIRED, "SESSION_EXPIRED"],
  [zookeeper.Exception.OPERATION_TIMEOUT, "TIMEOUT"],
]);

/** Converts what node-zookeeper-client hands to callbacks (its Exception or a plain Error). */
export function toZkError(error: unknown, path: string): ZkError {
  if (error instanceof ZkError) return error;
  if (error instanceof zookeeper.Exception) {
    return new ZkError(byNumber.get(error.getCode()) ?? "OTHER", path, `${error.getName()} at ${path}`);
  }
  return new ZkError("OTHER", path, `${error instanceof Error ? error.message : String(error)} at ${path}`);
}

export function isZkError(error: unknown, code: ZkErrorCode): error is ZkError {
  return error instanceof ZkError && error.code === code;
}
