import type { Endpoint } from "./endpoint.js";

/** Dubbo's default provider weight (`DEFAULT_WEIGHT`), used when an address says nothing. */
export const DEFAULT_WEIGHT = 100;

/**
 * Parses an address the way Dubbo writes provider URLs: `tri://10.0.0.5:50051?weight=200&dubbo.tag=gray`,
 * `dubbo://[::1]:20880/com.foo.Svc?version=1.0.0`, or a bare `host:port` (taken as `tri`). Query
 * parameters become the endpoint's metadata; `weight` also sets the endpoint weight.
 */
export function parseEndpointUrl(text: string): Endpoint {
  const raw = text.trim();
  const withScheme = raw.includes("://") ? raw : `tri://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`invalid endpoint address "${text}": expected tri://host:port[?k=v&...]`);
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== "tri" && scheme !== "dubbo") {
    throw new TypeError(
      `invalid endpoint address "${text}": unsupported protocol "${scheme}", use tri or dubbo`,
    );
  }
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port);
  if (host === "" || !Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new TypeError(`invalid endpoint address "${text}": a host and a port (1-65535) are required`);
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of url.searchParams) metadata[k] = v;
  // Dubbo URLs carry the interface as the path; keep it where Dubbo's own parser keeps it.
  const path = decodeURIComponent(url.pathname.replace(/^\/+/, ""));
  if (path !== "" && metadata.interface === undefined) metadata.interface = path;
  return {
    host,
    port,
    protocol: scheme,
    weight: parseWeight(metadata.weight, text),
    metadata,
  };
}

function parseWeight(raw: string | undefined, text: string): number {
  if (raw === undefined || raw === "") return DEFAULT_WEIGHT;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new TypeError(`invalid weight "${raw}" in endpoint address "${text}"`);
  return Math.floor(n);
}

/** `host:port`, with IPv6 hosts in brackets: the form Dubbo rules use for addresses. */
export function addressOf(e: Pick<Endpoint, "host" | "port">): string {
  return e.host.includes(":") ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}
