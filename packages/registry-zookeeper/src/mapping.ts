import { parentOf } from "./paths.js";
import { isZkError, ZkError } from "./zk-error.js";
import type { ZkSession } from "./zk-session.js";

/**
 * The service-name mapping (`/dubbo/mapping/<interface>`): which applications provide an interface.
 * Dubbo 3 keeps the app names as the node's data, comma separated, and appends with a compare-and-set
 * on the node version so two applications registering at once do not overwrite each other
 * (`MetadataServiceNameMapping.map` + `ZookeeperMetadataReport.registerServiceAppMapping`).
 */
export function parseMapping(data: Buffer | undefined): string[] {
  if (data === undefined) return [];
  const apps = data
    .toString("utf8")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  return [...new Set(apps)];
}

const CAS_ATTEMPTS = 10;

/** Adds `app` to the mapping node (creating it if needed); a no-op if it is listed already. */
export async function addMapping(session: ZkSession, path: string, app: string): Promise<void> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const current = await session.getData(path);
    if (current === undefined) {
      await session.ensurePath(parentOf(path));
      try {
        await session.create(path, Buffer.from(app, "utf8"), "persistent");
        return;
      } catch (error) {
        if (isZkError(error, "NODE_EXISTS")) continue; // someone else created it: read and append
        throw error;
      }
    }
    const apps = parseMapping(current.data);
    if (apps.includes(app)) return;
    const old = current.data.toString("utf8").trim();
    const content = old === "" ? app : `${old},${app}`;
    try {
      await session.setData(path, Buffer.from(content, "utf8"), current.stat.version);
      return;
    } catch (error) {
      if (isZkError(error, "BAD_VERSION") || isZkError(error, "NO_NODE")) continue; // lost the race: retry
      throw error;
    }
  }
  throw new ZkError("BAD_VERSION", path, `could not add ${app} to ${path} after ${CAS_ATTEMPTS} attempts`);
}
