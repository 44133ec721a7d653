// Dispatches the control plane's plain HTTP requests (everything that is not an RPC) by path prefix.
// The same handler serves the Triple server's HTTP/1.1 fallback and, optionally, a separate port.
import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError, sendError } from "./http-io.js";

export type HttpHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export class HttpRouter {
  private readonly routes: { prefix: string; handler: HttpHandler }[] = [];

  /** `prefix` ending in `/` matches a subtree; otherwise the exact path. */
  add(prefix: string, handler: HttpHandler): this {
    this.routes.push({ prefix, handler });
    // Longest prefix first, so `/debug/adsz` can be more specific than `/debug/`.
    this.routes.sort((a, b) => b.prefix.length - a.prefix.length);
    return this;
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://control-plane");
    const route = this.routes.find((r) =>
      r.prefix.endsWith("/") ? url.pathname.startsWith(r.prefix) : url.pathname === r.prefix,
    );
    const run = async () => {
      if (route === undefined) throw new HttpError(404, `no such endpoint: ${url.pathname}`);
      await route.handler(req, res, url);
    };
    run().catch((e: unknown) => sendError(res, e));
  };

  paths(): string[] {
    return this.routes.map((r) => r.prefix).sort();
  }
}
