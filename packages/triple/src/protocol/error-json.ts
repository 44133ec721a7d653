import { Code, codeToString, parseCode } from "./code.js";
import { httpStatusToCode } from "./http-status.js";
import type { ErrorDetail } from "./rpc-error.js";

/**
 * The JSON body of a failed Triple unary call. Peers disagree on its shape (see rpc-anchors §1.8), so we
 * write one every client can read: `code` as Connect and dubbo-go read it (snake_case string), `status`
 * as dubbo-js reads it (numeric gRPC code), `message`, and `details` as Connect encodes them.
 */
export function errorToJson(code: Code, message: string, details: readonly ErrorDetail[]): string {
  const body: Record<string, unknown> = { code: codeToString(code), status: code, message };
  if (details.length > 0) {
    body.details = details.map((d) => ({
      type: d.type,
      value: Buffer.from(d.value).toString("base64").replace(/=+$/, ""),
    }));
  }
  return JSON.stringify(body);
}

/** Reads any of the peers' error bodies; falls back to the HTTP status when the body says nothing. */
export function errorFromJson(
  httpStatus: number,
  body: string,
): { code: Code; message: string; details: ErrorDetail[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return {
      code: httpStatusToCode(httpStatus),
      message: body.slice(0, 512) || `HTTP ${httpStatus}`,
      details: [],
    };
  }
  const obj = (parsed ?? {}) as Record<string, unknown>;
  // dubbo-js: numeric gRPC code in "status"; Java: "status" is the HTTP status as a string - only trust
  // "status" when it is a number that is a gRPC code and "code" is absent.
  const code =
    parseCode(obj.code) ??
    (typeof obj.status === "number" ? parseCode(obj.status) : undefined) ??
    httpStatusToCode(httpStatus);
  const message = typeof obj.message === "string" ? obj.message : `HTTP ${httpStatus}`;
  const details: ErrorDetail[] = [];
  if (Array.isArray(obj.details)) {
    for (const d of obj.details as Array<Record<string, unknown>>) {
      if (typeof d?.type === "string" && typeof d.value === "string") {
        details.push({ type: d.type, value: Buffer.from(d.value, "base64") });
      }
    }
  }
  return { code: code === Code.Ok ? Code.Unknown : code, message, details };
}
