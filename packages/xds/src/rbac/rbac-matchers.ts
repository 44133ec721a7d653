// RBAC permissions and principals (A41) compiled into predicates over an RbacRequest. Compiling once
// per configuration keeps a call's check to a walk over closures: no allocation, no re-parsing.
import { matchHeader } from "../resources/common/header-matcher.js";
import { matchString, type StringMatcherConfig } from "../resources/common/string-matcher.js";
import type { RbacPermission, RbacPrincipal } from "../resources/http-filters/types.js";
import { compileCidr } from "./ip-match.js";
import type { PeerIdentity, RbacRequest } from "./rbac-request.js";

export type RequestPredicate = (request: RbacRequest) => boolean;

const always: RequestPredicate = () => true;
const never: RequestPredicate = () => false;

function all(parts: readonly RequestPredicate[]): RequestPredicate {
  if (parts.length === 0) return always;
  if (parts.length === 1) return parts[0];
  return (r) => {
    for (const p of parts) if (!p(r)) return false;
    return true;
  };
}

function any(parts: readonly RequestPredicate[]): RequestPredicate {
  if (parts.length === 0) return never;
  if (parts.length === 1) return parts[0];
  return (r) => {
    for (const p of parts) if (p(r)) return true;
    return false;
  };
}

function not(p: RequestPredicate): RequestPredicate {
  return (r) => !p(r);
}

/** A41's order: URI SANs, else DNS SANs, else the subject, else (no certificate) the empty string. */
export function principalNameMatches(peer: PeerIdentity, matcher: StringMatcherConfig): boolean {
  if (peer.uriSans.length > 0) return peer.uriSans.some((s) => matchString(matcher, s));
  if (peer.dnsSans.length > 0) return peer.dnsSans.some((s) => matchString(matcher, s));
  return matchString(matcher, peer.subject ?? "");
}

export function compilePermission(p: RbacPermission): RequestPredicate {
  switch (p.kind) {
    case "and":
      return all(p.rules.map(compilePermission));
    case "or":
      return any(p.rules.map(compilePermission));
    case "any":
      return always;
    case "header": {
      const m = p.matcher;
      return (r) => matchHeader(m, r.header(m.name));
    }
    case "url_path": {
      const m = p.matcher;
      return (r) => matchString(m, r.path);
    }
    case "destination_ip": {
      const inRange = compileCidr(p.cidr);
      return (r) => inRange(r.destinationIp);
    }
    case "destination_port": {
      const port = p.port;
      return (r) => r.destinationPort === port;
    }
    case "destination_port_range": {
      const { start, end } = p;
      return (r) => r.destinationPort >= start && r.destinationPort < end;
    }
    case "metadata":
      // Envoy dynamic metadata has no gRPC counterpart: the matcher sees nothing (A41).
      return p.invert ? always : never;
    case "not":
      return not(compilePermission(p.rule));
    case "requested_server_name": {
      // gRPC does not expose SNI here: matched against "" (A41).
      const hit = matchString(p.matcher, "");
      return hit ? always : never;
    }
  }
}

export function compilePrincipal(p: RbacPrincipal): RequestPredicate {
  switch (p.kind) {
    case "and":
      return all(p.ids.map(compilePrincipal));
    case "or":
      return any(p.ids.map(compilePrincipal));
    case "any":
      return always;
    case "authenticated": {
      const name = p.principalName;
      // Envoy: a plaintext connection is never authenticated, whatever the matcher.
      if (name === undefined) return (r) => r.peer !== undefined;
      return (r) => r.peer !== undefined && principalNameMatches(r.peer, name);
    }
    case "source_ip":
    case "direct_remote_ip":
    case "remote_ip": {
      // All three are the peer address in gRPC (no PROXY protocol, no trusted XFF hops).
      const inRange = compileCidr(p.cidr);
      return (r) => inRange(r.sourceIp);
    }
    case "header": {
      const m = p.matcher;
      return (r) => matchHeader(m, r.header(m.name));
    }
    case "url_path": {
      const m = p.matcher;
      return (r) => matchString(m, r.path);
    }
    case "metadata":
      return p.invert ? always : never;
    case "not":
      return not(compilePrincipal(p.id));
  }
}
