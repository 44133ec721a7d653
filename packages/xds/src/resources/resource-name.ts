// Resource names. Old-style names (`echo:50051`, `outbound|50051||echo.default.svc.cluster.local`) are
// opaque strings. A47 federation names look like
// `xdstp://{authority}/{resource type}/{id}?{context params}`; they are compared after sorting the
// context parameters, and a resource whose xdstp name carries another type is invalid.

export interface XdstpName {
  readonly authority: string;
  /** e.g. `envoy.config.listener.v3.Listener` */
  readonly typeName: string;
  readonly id: string;
  readonly contextParams: Readonly<Record<string, string>>;
}

const PREFIX = "xdstp://";

export function isXdstpName(name: string): boolean {
  return name.startsWith(PREFIX);
}

/** Parses an xdstp:// name; undefined when it is not one or is malformed. */
export function parseXdstpName(name: string): XdstpName | undefined {
  if (!isXdstpName(name)) return undefined;
  const rest = name.slice(PREFIX.length);
  const slash = rest.indexOf("/");
  if (slash === -1) return undefined;
  const authority = rest.slice(0, slash);
  const pathAndQuery = rest.slice(slash + 1);
  const q = pathAndQuery.indexOf("?");
  const path = q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
  const typeEnd = path.indexOf("/");
  if (typeEnd <= 0) return undefined;
  const contextParams: Record<string, string> = {};
  if (q !== -1) {
    for (const [k, v] of new URLSearchParams(pathAndQuery.slice(q + 1))) contextParams[k] = v;
  }
  return { authority, typeName: path.slice(0, typeEnd), id: path.slice(typeEnd + 1), contextParams };
}

/** The form names are compared in: xdstp names with sorted context parameters, others unchanged. */
export function canonicalResourceName(name: string): string {
  const parsed = parseXdstpName(name);
  if (parsed === undefined) return name;
  const keys = Object.keys(parsed.contextParams).sort();
  const query = keys
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(parsed.contextParams[k])}`)
    .join("&");
  return `${PREFIX}${parsed.authority}/${parsed.typeName}/${parsed.id}${query === "" ? "" : `?${query}`}`;
}
