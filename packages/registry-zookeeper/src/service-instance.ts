import { javaCompare } from "./url.js";

/**
 * An application-level instance as Dubbo 3 stores it in `/services/<app>/<ip>:<port>`: Curator's
 * ServiceDiscovery JSON with a `ZookeeperInstance` payload (`CuratorFrameworkUtils.build`). Dubbo reads
 * name, address, port and `payload.metadata`; the rest is Curator bookkeeping we write the same way.
 */
export interface ServiceInstance {
  /** The application name. */
  readonly name: string;
  /** `ip:port`. */
  readonly id: string;
  readonly address: string;
  readonly port: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly registrationTimeUTC?: number;
}

/** Instance metadata keys (`ServiceInstanceMetadataUtils`, `MetadataConstants`). */
export const REVISION_KEY = "dubbo.metadata.revision";
export const STORAGE_TYPE_KEY = "dubbo.metadata.storage-type";
export const ENDPOINTS_KEY = "dubbo.endpoints";
export const METADATA_SERVICE_PARAMS_KEY = "dubbo.metadata-service.url-params";

const PAYLOAD_CLASS = "org.apache.dubbo.registry.zookeeper.ZookeeperInstance";

/** The JSON a Dubbo Java provider writes, field for field (metadata sorted: `getSortedMetadata()`). */
export function encodeInstance(instance: ServiceInstance): string {
  const metadata: Record<string, string> = {};
  for (const k of Object.keys(instance.metadata).sort(javaCompare)) metadata[k] = instance.metadata[k]!;
  return JSON.stringify({
    name: instance.name,
    id: instance.id,
    address: instance.address,
    port: instance.port,
    sslPort: null,
    payload: { "@class": PAYLOAD_CLASS, id: instance.id, name: instance.name, metadata },
    registrationTimeUTC: instance.registrationTimeUTC ?? Date.now(),
    serviceType: "DYNAMIC",
    uriSpec: null,
  });
}

/** Reads an instance node; undefined if the data is not a usable instance. */
export function decodeInstance(text: string): ServiceInstance | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw)) return undefined;
  const address = raw["address"];
  const port = raw["port"];
  if (typeof address !== "string" || typeof port !== "number") return undefined;
  const payload = isRecord(raw["payload"]) ? raw["payload"] : {};
  const metadata: Record<string, string> = {};
  if (isRecord(payload["metadata"])) {
    for (const [k, v] of Object.entries(payload["metadata"]))
      if (v !== null && v !== undefined) metadata[k] = String(v);
  }
  const name =
    typeof raw["name"] === "string"
      ? raw["name"]
      : typeof payload["name"] === "string"
        ? payload["name"]
        : "";
  return {
    name,
    id: typeof raw["id"] === "string" ? raw["id"] : `${address}:${port}`,
    address,
    port,
    metadata,
    registrationTimeUTC:
      typeof raw["registrationTimeUTC"] === "number" ? raw["registrationTimeUTC"] : undefined,
  };
}

/** `dubbo.endpoints`: the other ports of a multi-protocol instance, `[{"port":50051,"protocol":"tri"}]`. */
export function instanceEndpoints(instance: ServiceInstance): Array<{ port: number; protocol: string }> {
  const text = instance.metadata[ENDPOINTS_KEY];
  if (!text) return [];
  try {
    const list: unknown = JSON.parse(text);
    if (!Array.isArray(list)) return [];
    return list.filter(
      (e): e is { port: number; protocol: string } =>
        isRecord(e) && typeof e["port"] === "number" && typeof e["protocol"] === "string",
    );
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
