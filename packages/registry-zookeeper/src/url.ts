/**
 * Dubbo URLs as they appear in ZooKeeper node names: `tri://10.0.0.5:50051/greet.v1.GreetService?application=...`.
 * Facts from Dubbo's `URL` (3.3): `toFullString()` writes the parameters sorted by key (a TreeMap), values
 * trimmed and not escaped; the registry then escapes the whole string once with Java's
 * `URLEncoder.encode(s, "UTF-8")`, so `/`, `:`, `?`, `&`, `=` and `,` all become `%XX` in the node name.
 */
export interface DubboUrl {
  readonly protocol: string;
  /** Host name or IP literal, without brackets for IPv6. */
  readonly host: string;
  /** 0 when the URL has none (consumer URLs). */
  readonly port: number;
  /** Without the leading slash: a Java interface or a protobuf service name. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Dubbo's `URL.toFullString()`: parameters sorted, values trimmed, nothing escaped. */
export function formatUrl(url: DubboUrl): string {
  const host = url.host.includes(":") ? `[${url.host}]` : url.host;
  let text = `${url.protocol}://${host}`;
  if (url.port > 0) text += `:${url.port}`;
  text += `/${url.path}`;
  const keys = Object.keys(url.params)
    .filter((k) => k !== "")
    .sort(javaCompare);
  if (keys.length > 0) text += `?${keys.map((k) => `${k}=${(url.params[k] ?? "").trim()}`).join("&")}`;
  return text;
}

/** Parses a decoded Dubbo URL string (the inverse of formatUrl; tolerant like Dubbo's URLStrParser). */
export function parseUrl(text: string): DubboUrl {
  let rest = text.trim();
  const params: Record<string, string> = {};
  const q = rest.indexOf("?");
  if (q >= 0) {
    for (const pair of rest.slice(q + 1).split("&")) {
      if (pair === "") continue;
      const eq = pair.indexOf("=");
      // Dubbo's parser takes a bare `key` as key=key.
      const key = eq < 0 ? pair : pair.slice(0, eq);
      const value = eq < 0 ? pair : pair.slice(eq + 1);
      if (key !== "") params[key] = value;
    }
    rest = rest.slice(0, q);
  }
  let protocol = "";
  const scheme = rest.indexOf("://");
  if (scheme >= 0) {
    protocol = rest.slice(0, scheme);
    rest = rest.slice(scheme + 3);
  }
  let path = "";
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    path = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  const at = rest.lastIndexOf("@");
  if (at >= 0) rest = rest.slice(at + 1); // credentials are never part of a registry node we act on
  let host = rest;
  let port = 0;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    host = rest.slice(1, close < 0 ? undefined : close);
    const after = close < 0 ? "" : rest.slice(close + 1);
    if (after.startsWith(":")) port = toPort(after.slice(1));
  } else {
    const colon = rest.lastIndexOf(":");
    // More than one colon without brackets is a bare IPv6 literal, not host:port.
    if (colon >= 0 && rest.indexOf(":") === colon) {
      host = rest.slice(0, colon);
      port = toPort(rest.slice(colon + 1));
    }
  }
  return { protocol, host, port, path, params };
}

/** The ZooKeeper node name of a URL: `URL.encode(url.toFullString())`. */
export function urlNodeName(url: DubboUrl): string {
  return encodeJava(formatUrl(url));
}

/** The URL a registry node name holds, or undefined when it is not a URL at all. */
export function urlFromNodeName(name: string): DubboUrl | undefined {
  const text = decodeJava(name);
  if (!text.includes("://")) return undefined;
  return parseUrl(text);
}

/** The service a URL belongs to: its `interface` parameter, else its path (Dubbo's `getServiceInterface`). */
export function serviceInterfaceOf(url: DubboUrl): string {
  return url.params["interface"] || url.path;
}

const UNRESERVED = /[A-Za-z0-9.\-*_]/;

/** Java's `URLEncoder.encode(s, "UTF-8")`: keeps `A-Za-z0-9.-*_`, turns space into `+`, escapes the rest. */
export function encodeJava(text: string): string {
  let out = "";
  for (const ch of text) {
    if (UNRESERVED.test(ch)) out += ch;
    else if (ch === " ") out += "+";
    else
      for (const byte of Buffer.from(ch, "utf8"))
        out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Java's `URLDecoder.decode(s, "UTF-8")`, except that malformed escapes are kept as they are. */
export function decodeJava(text: string): string {
  const plus = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Java's `String.compareTo` (UTF-16 code units), which TreeMap uses to order keys. */
export function javaCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPort(text: string): number {
  const n = Number.parseInt(text, 10);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : 0;
}
