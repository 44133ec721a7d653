// Finding the bootstrap the way every gRPC does: the file named by GRPC_XDS_BOOTSTRAP, else the JSON
// in GRPC_XDS_BOOTSTRAP_CONFIG.
import { readFile } from "node:fs/promises";
import { BootstrapError } from "./bootstrap-error.js";
import { parseBootstrap } from "./parse-bootstrap.js";
import type { Bootstrap } from "./types.js";

export interface LoadBootstrapOptions {
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to reading the file as UTF-8. */
  readonly readFile?: (path: string) => Promise<string>;
}

function withSource(e: unknown, source: string): never {
  if (e instanceof BootstrapError) throw new BootstrapError(`${e.message} (from ${source})`);
  throw e;
}

export async function loadBootstrap(options: LoadBootstrapOptions = {}): Promise<Bootstrap> {
  const env = options.env ?? process.env;
  const read = options.readFile ?? ((path: string) => readFile(path, "utf8"));
  const path = env.GRPC_XDS_BOOTSTRAP;
  if (path !== undefined && path !== "") {
    let text: string;
    try {
      text = await read(path);
    } catch (e) {
      throw new BootstrapError(`bootstrap: cannot read GRPC_XDS_BOOTSTRAP=${path}: ${(e as Error).message}`);
    }
    try {
      return parseBootstrap(text);
    } catch (e) {
      return withSource(e, `GRPC_XDS_BOOTSTRAP=${path}`);
    }
  }
  const inline = env.GRPC_XDS_BOOTSTRAP_CONFIG;
  if (inline !== undefined && inline !== "") {
    try {
      return parseBootstrap(inline);
    } catch (e) {
      return withSource(e, "GRPC_XDS_BOOTSTRAP_CONFIG");
    }
  }
  throw new BootstrapError("bootstrap: neither GRPC_XDS_BOOTSTRAP nor GRPC_XDS_BOOTSTRAP_CONFIG is set");
}
