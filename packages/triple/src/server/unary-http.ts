import type http from "node:http";
import type http2 from "node:http2";
import type { Readable } from "node:stream";
import type { RawHeaders } from "../metadata/metadata.js";
import { endRequestSide } from "./request-side.js";

export type OutHeaders = Record<string, string | string[] | number>;

/**
 * A unary HTTP exchange as Triple's HTTP RPC sees it, the same over HTTP/1.1 and HTTP/2: method,
 * path, headers, a readable body, one response. Classes rather than closures: one object per call.
 */
export interface UnaryHttp {
  readonly method: string;
  readonly path: string;
  readonly headers: RawHeaders;
  readonly body: Readable;
  readonly responded: boolean;
  respond(status: number, headers: OutHeaders, body: Uint8Array | string): void;
  /** Called once if the peer goes away before the response is complete. */
  onAbort(listener: () => void): void;
}

export class Http2Unary implements UnaryHttp {
  private sent = false;

  constructor(
    private readonly stream: http2.ServerHttp2Stream,
    readonly headers: http2.IncomingHttpHeaders,
  ) {}

  get method(): string {
    return this.headers[":method"] ?? "";
  }

  get path(): string {
    return this.headers[":path"] ?? "";
  }

  get body(): Readable {
    return this.stream;
  }

  get responded(): boolean {
    return this.sent || this.stream.destroyed;
  }

  respond(status: number, out: OutHeaders, body: Uint8Array | string): void {
    if (this.responded) return;
    this.sent = true;
    out[":status"] = status;
    const stream = this.stream;
    stream.respond(out);
    stream.end(body);
    // Answered before the whole body arrived (too large, refused, no such method): once the response
    // is out, the client is told to stop sending.
    if (!stream.readableEnded) endRequestSide(stream);
  }

  onAbort(listener: () => void): void {
    this.stream.on("close", () => {
      if (!this.sent) listener();
    });
  }
}

export class Http1Unary implements UnaryHttp {
  private sent = false;

  constructor(
    private readonly req: http.IncomingMessage,
    private readonly res: http.ServerResponse,
    private readonly draining: boolean,
  ) {}

  get method(): string {
    return this.req.method ?? "";
  }

  get path(): string {
    return this.req.url ?? "";
  }

  get headers(): RawHeaders {
    return this.req.headers;
  }

  get body(): Readable {
    return this.req;
  }

  get responded(): boolean {
    return this.sent || this.res.destroyed;
  }

  respond(status: number, out: OutHeaders, body: Uint8Array | string): void {
    if (this.responded) return;
    this.sent = true;
    if (this.draining) out.connection = "close";
    out["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    this.res.writeHead(status, out);
    this.res.end(body);
  }

  onAbort(listener: () => void): void {
    this.res.on("close", () => {
      if (!this.res.writableFinished) listener();
    });
  }
}
