// Write protection for the HTTP API: `Authorization: Bearer <token>`. Reads stay open (as istiod's
// debug endpoints on a trusted port); without a configured token, writes are refused outright
// rather than left open.
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "../http/http-io.js";

export function requireToken(req: IncomingMessage, token: string | undefined): void {
  if (token === undefined || token === "")
    throw new HttpError(
      403,
      "writes are disabled: start the control plane with a token (--token or DUBBO_MESH_TOKEN)",
    );
  const header = req.headers.authorization ?? "";
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (m === null) throw new HttpError(401, "missing Authorization: Bearer <token>");
  const given = Buffer.from(m[1].trim());
  const want = Buffer.from(token);
  if (given.length !== want.length || !timingSafeEqual(given, want))
    throw new HttpError(401, "invalid token");
}
