// A97 call credentials for the ADS stream: `jwt_token_file` is read again for every stream (projected
// service-account tokens rotate) and sent as `authorization: Bearer <token>`.
import { readFile } from "node:fs/promises";
import type { CallCredentials } from "../../bootstrap/types.js";

/** The request headers the call credentials add; throws when a token file cannot be read. */
export async function callCredentialHeaders(
  credentials: readonly CallCredentials[],
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const c of credentials) {
    if (c.type !== "jwt_token_file") continue;
    let token: string;
    try {
      token = (await readFile(c.jwtTokenFile, "utf8")).trim();
    } catch (e) {
      throw new Error(`cannot read jwt_token_file ${c.jwtTokenFile}: ${(e as Error).message}`, { cause: e });
    }
    if (token === "") throw new Error(`jwt_token_file ${c.jwtTokenFile} is empty`);
    headers.authorization = `Bearer ${token}`;
  }
  return headers;
}
