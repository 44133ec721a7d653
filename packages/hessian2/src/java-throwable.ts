// Java exceptions (Throwable) as Hessian sends them, and back.
//
// Java's ThrowableSerializer writes a Throwable as a plain bean of its own class with Throwable's fields:
// `detailMessage` (String), `cause` (Throwable; the object itself when no cause was set, which Java reads
// back as "no cause"), `stackTrace` (a "[java.lang.StackTraceElement" typed list of beans with
// declaringClass, methodName, fileName, lineNumber), `suppressedExceptions` (a List), plus the subclass's
// own fields. Dubbo2 uses this for RESPONSE_WITH_EXCEPTION.

import { JAVA_CLASS, JavaList, JavaObject } from "./java-types.js";

export const STACK_TRACE_ELEMENT_CLASS = "java.lang.StackTraceElement";

export interface JavaStackFrame {
  declaringClass: string;
  methodName: string;
  fileName: string | null;
  /** Java uses -1 for unknown and -2 for native methods. */
  lineNumber: number;
}

export interface ExceptionOptions {
  /** Another exception built by `java.exception`; omitted means "no cause". */
  cause?: JavaObject;
  stackTrace?: readonly JavaStackFrame[];
  /** Extra fields of the exception class (e.g. Dubbo's RpcException `code`). */
  fields?: Record<string, unknown>;
}

/** Builds a Java exception value, e.g. `exception("java.lang.IllegalStateException", "boom")`. */
export function exception(
  className: string,
  message: string | null,
  options: ExceptionOptions = {},
): JavaObject {
  const frames = (options.stackTrace ?? []).map(
    (f) =>
      new JavaObject(STACK_TRACE_ELEMENT_CLASS, {
        declaringClass: f.declaringClass,
        methodName: f.methodName,
        fileName: f.fileName,
        lineNumber: f.lineNumber,
      }),
  );
  const fields: Record<string, unknown> = {
    detailMessage: message,
    cause: null,
    stackTrace: new JavaList(`[${STACK_TRACE_ELEMENT_CLASS}`, frames),
    suppressedExceptions: [],
    ...options.fields,
  };
  const value = new JavaObject(className, fields);
  // Like Java: a Throwable without a cause points at itself, which readers (and Java's getCause()) treat as
  // "none"; writing null instead would mark the cause as explicitly initialized.
  fields.cause = options.cause ?? value;
  return value;
}

/** A decoded Java exception as a JavaScript Error: `name` is the Java class, `message` the detail message. */
export class JavaException extends Error {
  /** The Java class, e.g. "java.lang.IllegalArgumentException". */
  readonly className: string;
  readonly javaStackTrace: readonly JavaStackFrame[];
  /** The decoded object, with every field (including subclass fields). */
  readonly value: Readonly<Record<string, unknown>>;

  constructor(
    className: string,
    message: string,
    javaStackTrace: readonly JavaStackFrame[],
    value: Readonly<Record<string, unknown>>,
    cause: JavaException | undefined,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = className;
    this.className = className;
    this.javaStackTrace = javaStackTrace;
    this.value = value;
    const frames = javaStackTrace.map(
      (f) =>
        `\n    at ${f.declaringClass}.${f.methodName}(${f.fileName ?? "Unknown Source"}:${f.lineNumber})`,
    );
    this.stack = `${className}: ${message}${frames.join("")}`;
  }
}

function isRecord(value: unknown): value is Record<string | symbol, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toFrames(value: unknown): JavaStackFrame[] {
  if (!Array.isArray(value)) return [];
  const frames: JavaStackFrame[] = [];
  for (const item of value) {
    if (!isRecord(item)) continue;
    frames.push({
      declaringClass: String(item.declaringClass ?? ""),
      methodName: String(item.methodName ?? ""),
      fileName: typeof item.fileName === "string" ? item.fileName : null,
      lineNumber: typeof item.lineNumber === "number" ? item.lineNumber : -1,
    });
  }
  return frames;
}

/**
 * Converts a decoded Java Throwable (an object with a Java class and a `detailMessage` or `stackTrace`
 * field) into a `JavaException`, following `cause` links. Returns `undefined` for anything else.
 */
export function asJavaException(value: unknown): JavaException | undefined {
  return convert(value, new Set());
}

function convert(value: unknown, seen: Set<unknown>): JavaException | undefined {
  if (!isRecord(value) || seen.has(value)) return undefined;
  const className = value[JAVA_CLASS];
  if (typeof className !== "string") return undefined;
  if (!("detailMessage" in value) && !("stackTrace" in value)) return undefined;
  seen.add(value);
  const detail = value.detailMessage;
  const message = typeof detail === "string" ? detail : "";
  // cause === the exception itself means "no cause" (see exception() above).
  const cause = value.cause === value ? undefined : convert(value.cause, seen);
  return new JavaException(className, message, toFrames(value.stackTrace), value, cause);
}
