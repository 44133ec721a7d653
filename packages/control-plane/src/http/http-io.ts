// Small helpers for the control plane's HTTP endpoints (API, debug, metrics) on node:http.
import type { IncomingMessage, ServerResponse } from "node:http";
import { stringify } from "yaml";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const MAX_BODY = 4 * 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, `request body larger than ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** YAML when the client asks for it (`Accept: application/yaml` or `?format=yaml`), JSON otherwise. */
export function wantsYaml(req: IncomingMessage, url: URL): boolean {
  const format = url.searchParams.get("format");
  if (format !== null) return format === "yaml";
  return /\b(application|text)\/(x-)?yaml\b/.test(req.headers.accept ?? "");
}

export function send(res: ServerResponse, status: number, body: unknown, yaml = false): void {
  const text = yaml ? stringify(body) : `${JSON.stringify(body, null, 2)}\n`;
  res.writeHead(status, {
    "content-type": yaml ? "application/yaml" : "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    send(res, error.status, {
      error: { message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
    });
    return;
  }
  send(res, 500, { error: { message: error instanceof Error ? error.message : String(error) } });
}
