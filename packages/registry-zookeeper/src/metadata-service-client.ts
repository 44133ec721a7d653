import http from "node:http";
import { decodeMetadata, type MetadataInfo } from "./metadata.js";
import { METADATA_SERVICE_PARAMS_KEY, type ServiceInstance } from "./service-instance.js";

/** Dubbo 3's built-in metadata service (V1; `org.apache.dubbo.metadata.MetadataService`, version 1.0.0, group = app). */
const SERVICE = "org.apache.dubbo.metadata.MetadataService";
const VERSION = "1.0.0";

/**
 * Reads a Java instance's MetadataInfo when it keeps it locally (`dubbo.metadata.storage-type=local`,
 * Dubbo 3.3's default): calls `MetadataService#getMetadataInfo(revision)` on the instance over Triple's
 * JSON unary mapping, a plain HTTP/1.1 POST of `["<revision>"]`. Dubbo 3.3 exports this V1 service next to
 * the protobuf MetadataServiceV2 (whose JSON mapping its REST layer does not serve), on the port and
 * protocol that `dubbo.metadata-service.url-params` names. Only `tri` can be reached this way.
 */
export async function fetchInstanceMetadata(
  instance: ServiceInstance,
  revision: string,
  timeoutMs: number,
): Promise<MetadataInfo> {
  const params = metadataServiceParams(instance);
  const protocol = params["protocol"] ?? "tri";
  if (protocol !== "tri") {
    throw new Error(
      `${instance.name} ${instance.id} serves its metadata over ${protocol}; only tri is supported`,
    );
  }
  const port = Number.parseInt(params["port"] ?? String(instance.port), 10);
  const body = JSON.stringify([revision]);
  const text = await new Promise<string>((resolve, reject) => {
    const req = http.request(
      {
        host: instance.address,
        port,
        method: "POST",
        path: `/${SERVICE}/getMetadataInfo`,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "tri-service-group": instance.name,
          "tri-service-version": VERSION,
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const payload = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode === 200) resolve(payload);
          else
            reject(
              new Error(
                `${SERVICE}/getMetadataInfo on ${instance.id} answered ${res.statusCode}: ${payload.slice(0, 200)}`,
              ),
            );
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`${SERVICE} on ${instance.id} did not answer within ${timeoutMs} ms`)),
    );
    req.on("error", reject);
    req.end(body);
  });
  const info = decodeMetadata(text);
  if (info === undefined) throw new Error(`${SERVICE} on ${instance.id} returned no MetadataInfo`);
  return info;
}

function metadataServiceParams(instance: ServiceInstance): Record<string, string> {
  const text = instance.metadata[METADATA_SERVICE_PARAMS_KEY];
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed)) out[k] = String(v);
    return out;
  } catch {
    return {};
  }
}
