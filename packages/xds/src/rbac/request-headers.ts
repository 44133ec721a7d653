// Request headers as A41 says RBAC must see them: the values received on the wire, pseudo-headers
// included; `host` and `:authority` as one header; hop-by-hop headers (only `te` can reach an HTTP/2
// server) never visible; several values joined with ",". Binary (`-bin`) headers stay in their
// base64 wire form.

/** Headers as node:http and node:http2 hand them over: lower-case names, a string or a list each. */
export type WireHeaders = Readonly<Record<string, string | readonly string[] | number | undefined>>;

function join(v: string | readonly string[] | number | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return v.length === 0 ? undefined : v.join(",");
}

/**
 * A lookup over `headers` for RbacRequest.header. `path` is the call's path (HTTP/1.1 requests carry
 * no `:path`); `:method` is POST when the transport does not say (both of ours refuse other methods
 * before RBAC runs).
 */
export function rbacHeaderLookup(headers: WireHeaders, path: string): (name: string) => string | undefined {
  return (name) => {
    switch (name) {
      case "te":
      case "connection":
      case "keep-alive":
      case "proxy-connection":
      case "transfer-encoding":
      case "upgrade":
        return undefined;
      case ":method":
        return join(headers[":method"]) ?? "POST";
      case ":path":
        return join(headers[":path"]) ?? path;
      case ":authority":
      case "host":
        return join(headers[":authority"]) ?? join(headers.host);
      default:
        return join(headers[name]);
    }
  };
}
