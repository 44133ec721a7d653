// One XdsClient per bootstrap (and so per xDS server and node) in the process. istio-agent keeps only
// the newest ADS stream of a pod and closes the others (istio/istio#53532), so every channel, service
// and reference of the process must share one client, as grpc-js-xds and grpc-go do.
import { bootstrapToJson } from "../bootstrap/bootstrap-json.js";
import type { Bootstrap } from "../bootstrap/types.js";
import { XdsClient, type XdsClientOptions } from "./xds-client.js";

const clients = new Map<string, XdsClient>();

/**
 * The process-wide client for this bootstrap, created on first use. Options other than the bootstrap
 * apply only when the client is created. A closed client is replaced by a new one.
 */
export function getXdsClient(
  bootstrap: Bootstrap,
  options: Omit<XdsClientOptions, "bootstrap"> = {},
): XdsClient {
  const key = JSON.stringify(bootstrapToJson(bootstrap));
  const existing = clients.get(key);
  if (existing !== undefined && !existing.closed) return existing;
  const client = new XdsClient({ ...options, bootstrap });
  clients.set(key, client);
  return client;
}

/** Closes every shared client (process shutdown, tests). */
export async function closeSharedXdsClients(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => c.close()));
}
