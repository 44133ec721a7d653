// Which Listener to ask for (A27, A47): a client target `xds:///echo:50051` becomes the listener named
// by the client template (`%s` -> `echo:50051` by default); `xds://authority/echo:50051` uses that
// authority's template. A server on 10.0.0.5:50051 asks for the server template's name
// (Istio: `xds.istio.io/grpc/lds/inbound/10.0.0.5:50051`).
import type { Bootstrap } from "./types.js";

// A47: in xdstp names the target is percent-encoded as a URI path (RFC 3986 pchar and `/` stay as
// they are), as C-core and grpc-go do; `host:port` is left readable.
function encodePath(value: string): string {
  return value.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g, (c) => encodeURIComponent(c));
}

function fill(template: string, value: string): string {
  const text = template.startsWith("xdstp:") ? encodePath(value) : value;
  return template.replaceAll("%s", text);
}

/** Undefined when the target names an authority the bootstrap does not list. */
export function clientListenerName(
  bootstrap: Bootstrap,
  target: { authority?: string; path: string },
): string | undefined {
  if (target.authority === undefined || target.authority === "") {
    return fill(bootstrap.clientDefaultListenerResourceNameTemplate, target.path);
  }
  const authority = bootstrap.authorities[target.authority];
  return authority === undefined
    ? undefined
    : fill(authority.clientListenerResourceNameTemplate, target.path);
}

/** Undefined when the bootstrap has no server_listener_resource_name_template (no xDS server support). */
export function serverListenerName(bootstrap: Bootstrap, hostPort: string): string | undefined {
  const template = bootstrap.serverListenerResourceNameTemplate;
  return template === undefined ? undefined : fill(template, hostPort);
}
