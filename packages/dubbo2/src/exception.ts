// Turning whatever a dispatcher reports as an exception into a Java Throwable a Dubbo Java consumer can
// read: Hessian has to name a class that exists on the Java side, so a JavaScript Error becomes a
// java.lang.RuntimeException with the same message and the JavaScript frames as its stack trace.

import { JavaException, JavaObject, type JavaStackFrame, java } from "@dubbo-mesh/hessian2";

const MAX_FRAMES = 32;

/** A value to write as RESPONSE_WITH_EXCEPTION. */
export function toJavaThrowable(error: unknown): unknown {
  if (error instanceof JavaObject) return error; // java.exception(...)
  if (error instanceof JavaException) return error.value; // decoded from a Java peer: send it back as is
  if (error instanceof Error) {
    return java.exception("java.lang.RuntimeException", error.message || error.name, {
      stackTrace: jsFrames(error),
    });
  }
  return java.exception("java.lang.RuntimeException", String(error));
}

function jsFrames(error: Error): JavaStackFrame[] {
  const frames: JavaStackFrame[] = [];
  for (const line of (error.stack ?? "").split("\n").slice(1, MAX_FRAMES + 1)) {
    // "    at fn (file:///x.js:12:5)" or "    at file:///x.js:12:5"
    const m = /^\s*at (?:(.+?) \()?(.*?):(\d+):\d+\)?$/.exec(line);
    if (m === null) continue;
    frames.push({
      declaringClass: "js",
      methodName: m[1] ?? "<anonymous>",
      fileName: m[2],
      lineNumber: Number(m[3]),
    });
  }
  return frames;
}
