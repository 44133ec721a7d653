// The RBAC engine (A41) and the per-call path of an xDS-enabled server (A36) on inbound listeners
// shaped like istiod's: DENY filter then ALLOW filter, and per-route overrides.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RBAC_Action } from "../src/gen/envoy/config/rbac/v3/rbac_pb.js";
import type { RouteSchema } from "../src/gen/envoy/config/route/v3/route_components_pb.js";
import { RBACPerRouteSchema, RBACSchema } from "../src/gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import {
  decodeResource,
  InboundRouting,
  type PeerIdentity,
  peerIdentityOf,
  type RbacRequest,
  rbacHeaderLookup,
  type ServerListener,
  selectFilterChain,
  type WireHeaders,
} from "../src/index.js";
import { parseSubjectAltNames, rfc2253Subject } from "../src/rbac/peer-identity.js";
import { type Init, pack } from "./fixtures/any.js";
import {
  allIds,
  allOf,
  anyPermission,
  anyPrincipal,
  authzListener,
  chain,
  header,
  type InboundAuthz,
  inboundHcm,
  ipBlocks,
  paths,
  principals,
} from "./fixtures/istio-authz.js";
import { POD_IP, PORT } from "./fixtures/istio-resources.js";

function serverListener(any: ReturnType<typeof authzListener>): ServerListener {
  const d = decodeResource(any);
  assert.ok(d.ok, d.ok ? "" : d.errors.join("\n"));
  const l = d.value as ServerListener;
  assert.equal(l.kind, "server");
  return l;
}

interface CallInit {
  path?: string;
  headers?: WireHeaders;
  source?: string;
  destinationPort?: number;
  peer?: PeerIdentity;
}

function request(c: CallInit = {}): RbacRequest {
  const path = c.path ?? "/test.Echo/Whoami";
  return {
    path,
    header: rbacHeaderLookup(
      { ":method": "POST", ":path": path, ":authority": `${POD_IP}:${PORT}`, ...c.headers },
      path,
    ),
    sourceIp: c.source ?? "10.244.0.99",
    sourcePort: 40000,
    destinationIp: POD_IP,
    destinationPort: c.destinationPort ?? PORT,
    ...(c.peer === undefined ? {} : { peer: c.peer }),
  };
}

/** The routing of the listener's only chain, as a server would use it for a plaintext connection. */
function routingOf(authz: InboundAuthz): InboundRouting {
  const l = serverListener(authzListener(authz));
  const chosen = selectFilterChain(l, {
    sourceIp: "10.244.0.99",
    sourcePort: 40000,
    destinationIp: POD_IP,
    destinationPort: PORT,
  });
  assert.ok(chosen !== undefined);
  const r = chosen.httpConnectionManager.routes;
  assert.equal(r.kind, "inline");
  if (r.kind !== "inline") throw new Error("unreachable");
  return new InboundRouting(chosen.httpConnectionManager, r.routeConfiguration);
}

const verdict = (routing: InboundRouting, c?: CallInit) => {
  const d = routing.evaluate(request(c));
  return d.allowed ? "allowed" : `${d.code} ${d.message}${d.policy === undefined ? "" : ` [${d.policy}]`}`;
};

const DENIED = "7 RBAC: access denied";
const frontend = "spiffe://cluster.local/ns/default/sa/frontend";
const mtlsPeer = (...uris: string[]): PeerIdentity => ({ uriSans: uris, dnsSans: [] });

describe("RBAC on istiod-shaped inbound listeners (A41)", () => {
  it("no AuthorizationPolicy: only the router, every call allowed", () => {
    assert.equal(verdict(routingOf({})), "allowed");
  });

  it("an ALLOW policy with no rules (empty policy set) denies everything", () => {
    const r = routingOf({ allow: {} });
    assert.equal(verdict(r), DENIED);
    assert.equal(verdict(r, { peer: mtlsPeer(frontend) }), DENIED);
  });

  it("ALLOW by path: matching methods pass, others are denied", () => {
    const r = routingOf({
      allow: {
        "echo-only": [{ permissions: [allOf(paths("/test.Echo/*"))], principals: [allIds(anyPrincipal)] }],
      },
    });
    assert.equal(verdict(r, { path: "/test.Echo/Whoami" }), "allowed");
    assert.equal(verdict(r, { path: "/test.Other/Whoami" }), DENIED);
  });

  it("DENY then ALLOW: the DENY filter runs first and names the policy; ALLOW still applies after it", () => {
    const r = routingOf({
      deny: {
        "block-header": [
          { permissions: [allOf(header("x-block", "yes"))], principals: [allIds(anyPrincipal)] },
        ],
      },
      allow: {
        "echo-only": [{ permissions: [allOf(paths("/test.Echo/*"))], principals: [allIds(anyPrincipal)] }],
      },
    });
    assert.equal(
      verdict(r, { headers: { "x-block": "yes" } }),
      `${DENIED} [ns[default]-policy[block-header]-rule[0]]`,
    );
    assert.equal(verdict(r, { headers: { "x-block": "no" } }), "allowed");
    assert.equal(verdict(r, { path: "/test.Other/X", headers: { "x-block": "no" } }), DENIED);
  });

  it("a rule holds only when its `to` and `from` both hold (permission AND principal)", () => {
    const r = routingOf({
      allow: {
        "frontend-echo": [
          {
            permissions: [allOf(paths("/test.Echo/Whoami"))],
            principals: [allIds(principals("cluster.local/ns/default/sa/frontend"))],
          },
        ],
      },
    });
    assert.equal(verdict(r, { peer: mtlsPeer(frontend) }), "allowed");
    assert.equal(verdict(r, { peer: mtlsPeer("spiffe://cluster.local/ns/default/sa/other") }), DENIED);
    // Plaintext: never authenticated, whatever the matcher.
    assert.equal(verdict(r), DENIED);
    assert.equal(verdict(r, { path: "/test.Echo/Other", peer: mtlsPeer(frontend) }), DENIED);
  });

  it("source ipBlocks match the peer address, IPv4-mapped IPv6 included", () => {
    const r = routingOf({
      deny: {
        "block-range": [
          {
            permissions: [anyPermission],
            principals: [allIds(ipBlocks("10.1.0.0/16", "127.0.0.5", "2001:db8::/32"))],
          },
        ],
      },
    });
    assert.equal(verdict(r, { source: "10.1.2.3" }), `${DENIED} [ns[default]-policy[block-range]-rule[0]]`);
    assert.equal(
      verdict(r, { source: "::ffff:10.1.2.3" }),
      `${DENIED} [ns[default]-policy[block-range]-rule[0]]`,
    );
    assert.equal(verdict(r, { source: "127.0.0.5" }), `${DENIED} [ns[default]-policy[block-range]-rule[0]]`);
    assert.equal(
      verdict(r, { source: "2001:db8::7" }),
      `${DENIED} [ns[default]-policy[block-range]-rule[0]]`,
    );
    assert.equal(verdict(r, { source: "2001:db9::7" }), "allowed");
    assert.equal(verdict(r, { source: "10.2.0.1" }), "allowed");
  });

  it("headers as A41 says: :method is POST, host aliases :authority, te is never visible, values joined", () => {
    const allowIf = (p: ReturnType<typeof header>) =>
      routingOf({ allow: { p: [{ permissions: [allOf(p)], principals: [anyPrincipal] }] } });
    assert.equal(verdict(allowIf(header(":method", "POST"))), "allowed");
    assert.equal(verdict(allowIf(header("host", `${POD_IP}:*`))), "allowed");
    assert.equal(verdict(allowIf(header(":authority", `${POD_IP}:${PORT}`))), "allowed");
    assert.equal(verdict(allowIf(header("te", "*")), { headers: { te: "trailers" } }), DENIED);
    assert.equal(verdict(allowIf(header("x-list", "a,b")), { headers: { "x-list": ["a", "b"] } }), "allowed");
    // HTTP/1.1 requests carry `host` and no pseudo-headers.
    const h1: RbacRequest = {
      ...request(),
      header: rbacHeaderLookup(
        { host: "echo:50051", "content-type": "application/json" },
        "/test.Echo/Whoami",
      ),
    };
    const hostRouting = allowIf(header(":authority", "echo:50051"));
    assert.equal(hostRouting.evaluate(h1).allowed, true);
    assert.equal(allowIf(header(":path", "/test.Echo/*")).evaluate(h1).allowed, true);
    assert.equal(allowIf(header("content-type", "application/json")).evaluate(h1).allowed, true);
  });

  it("a LOG-only RBAC filter is ignored entirely", () => {
    const l = serverListener(
      authzListener({}, [
        chain("c", {
          ...inboundHcm({}),
          httpFilters: [
            { name: "log", configType: { case: "typedConfig", value: rbacLog() } },
            ...(inboundHcm({}).httpFilters ?? []),
          ],
        }),
      ]),
    );
    const c = l.filterChains[0];
    const r = c.httpConnectionManager.routes;
    assert.ok(r.kind === "inline");
    assert.equal(
      new InboundRouting(c.httpConnectionManager, r.routeConfiguration).evaluate(request()).allowed,
      true,
    );
  });
});

function rbacLog() {
  return pack(RBACSchema, { rules: { action: RBAC_Action.LOG, policies: {} } });
}

describe("routes and per-route RBAC overrides on the server (A36, A39)", () => {
  const listenerWithRoutes = (routes: Init<typeof RouteSchema>[]) =>
    serverListener(
      authzListener({}, [
        chain("c", {
          ...inboundHcm({ allow: {} }),
          routeSpecifier: {
            case: "routeConfig",
            value: {
              name: "inbound|50051||",
              virtualHosts: [{ name: "vh", domains: ["*"], routes }],
            },
          },
        }),
      ]),
    );
  const evaluate = (l: ServerListener, path: string) => {
    const c = l.filterChains[0];
    const r = c.httpConnectionManager.routes;
    assert.ok(r.kind === "inline");
    return verdict(new InboundRouting(c.httpConnectionManager, r.routeConfiguration), { path });
  };

  it("a call matching no route, or a route that forwards, fails UNAVAILABLE", () => {
    const l = listenerWithRoutes([
      {
        match: { pathSpecifier: { case: "prefix", value: "/fwd." } },
        action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "c" } } },
      },
      {
        match: { pathSpecifier: { case: "prefix", value: "/test." } },
        action: { case: "nonForwardingAction", value: {} },
      },
    ]);
    assert.match(
      evaluate(l, "/fwd.S/M"),
      /^14 xDS server: the route matching \/fwd\.S\/M is not a non-forwarding route/,
    );
    assert.match(
      evaluate(l, "/other.S/M"),
      /^14 xDS server: no route of virtual host vh matches \/other\.S\/M/,
    );
    // The matched route has no override: the deny-all ALLOW filter applies.
    assert.equal(evaluate(l, "/test.S/M"), DENIED);
  });

  it("RBACPerRoute without rbac disables the filter on that route; with rbac it replaces it", () => {
    const l = listenerWithRoutes([
      {
        match: { pathSpecifier: { case: "prefix", value: "/open." } },
        action: { case: "nonForwardingAction", value: {} },
        typedPerFilterConfig: { "envoy.filters.http.rbac": pack(RBACPerRouteSchema, {}) },
      },
      {
        match: { pathSpecifier: { case: "prefix", value: "/health." } },
        action: { case: "nonForwardingAction", value: {} },
        typedPerFilterConfig: {
          "envoy.filters.http.rbac": pack(RBACPerRouteSchema, {
            rbac: {
              rules: {
                action: 0,
                policies: {
                  "health-only": { permissions: [paths("/health.H/Check")], principals: [anyPrincipal] },
                },
              },
            },
          }),
        },
      },
      {
        match: { pathSpecifier: { case: "prefix", value: "/" } },
        action: { case: "nonForwardingAction", value: {} },
      },
    ]);
    assert.equal(evaluate(l, "/open.S/M"), "allowed");
    assert.equal(evaluate(l, "/health.H/Check"), "allowed");
    assert.equal(evaluate(l, "/health.H/Watch"), DENIED);
    assert.equal(evaluate(l, "/test.S/M"), DENIED);
  });
});

describe("filter chain selection per connection (A36)", () => {
  const hcm = inboundHcm({});
  const conn = (sourceIp: string, destinationIp = POD_IP, sourcePort = 40000) => ({
    sourceIp,
    sourcePort,
    destinationIp,
    destinationPort: PORT,
  });
  const cidr = (c: string) => {
    const [addressPrefix, len] = c.split("/");
    return { addressPrefix, prefixLen: Number(len) };
  };

  it("the most specific destination prefix wins; no match and no default chain: refused", () => {
    const l = serverListener(
      authzListener({}, [
        chain("wide", hcm, { filterChainMatch: { prefixRanges: [cidr("10.244.0.0/16")] } }),
        chain("narrow", hcm, { filterChainMatch: { prefixRanges: [cidr("10.244.0.0/24")] } }),
      ]),
    );
    assert.equal(selectFilterChain(l, conn("1.2.3.4"))?.name, "narrow");
    assert.equal(selectFilterChain(l, conn("1.2.3.4", "10.244.9.9"))?.name, "wide");
    assert.equal(selectFilterChain(l, conn("1.2.3.4", "192.168.0.1")), undefined);
  });

  it("the default filter chain takes what no chain matches", () => {
    const l = serverListener(
      authzListener(
        {},
        [chain("narrow", hcm, { filterChainMatch: { prefixRanges: [cidr("10.9.0.0/16")] } })],
        chain("default", hcm),
      ),
    );
    assert.equal(selectFilterChain(l, conn("1.2.3.4"))?.name, "default");
  });

  it("source type: a same-ip-or-loopback chain for local peers, an external one for the rest", () => {
    const l = serverListener(
      authzListener({}, [
        chain("local", hcm, { filterChainMatch: { sourceType: 1 } }),
        chain("external", hcm, { filterChainMatch: { sourceType: 2 } }),
      ]),
    );
    assert.equal(selectFilterChain(l, conn("127.0.0.1"))?.name, "local");
    assert.equal(selectFilterChain(l, conn(POD_IP))?.name, "local");
    assert.equal(selectFilterChain(l, conn("::ffff:10.0.0.7"))?.name, "external");
  });

  it("source prefix (most specific) and then source ports", () => {
    const l = serverListener(
      authzListener({}, [
        chain("any-source", hcm),
        chain("from-10", hcm, { filterChainMatch: { sourcePrefixRanges: [cidr("10.0.0.0/8")] } }),
        chain("from-10-port", hcm, {
          filterChainMatch: { sourcePrefixRanges: [cidr("10.0.0.0/8")], sourcePorts: [5555] },
        }),
      ]),
    );
    assert.equal(selectFilterChain(l, conn("192.168.1.1"))?.name, "any-source");
    assert.equal(selectFilterChain(l, conn("10.1.1.1"))?.name, "from-10");
    assert.equal(selectFilterChain(l, conn("10.1.1.1", POD_IP, 5555))?.name, "from-10-port");
  });

  it("a chain matching on destination_port never matches (gRPC has no use_original_dst)", () => {
    const l = serverListener(
      authzListener(
        {},
        [chain("port", hcm, { filterChainMatch: { destinationPort: PORT } })],
        chain("default", hcm),
      ),
    );
    assert.equal(selectFilterChain(l, conn("1.2.3.4"))?.name, "default");
  });

  it("istiod's mTLS chain carries its DownstreamTlsConfig for the server to act on", () => {
    const l = serverListener(authzListener({}));
    assert.equal(selectFilterChain(l, conn("1.2.3.4"))?.tls, undefined);
  });
});

describe("peer identity from a client certificate", () => {
  it("parses Node's subjectAltName text, quoted values included", () => {
    assert.deepEqual(
      parseSubjectAltNames('DNS:a.example, URI:spiffe://td/ns/x/sa/y, DNS:"b,c", IP Address:10.0.0.1'),
      [
        { type: "DNS", value: "a.example" },
        { type: "URI", value: "spiffe://td/ns/x/sa/y" },
        { type: "DNS", value: "b,c" },
        { type: "IP Address", value: "10.0.0.1" },
      ],
    );
  });

  it("writes the subject as RFC 2253 (least significant first, escaped)", () => {
    assert.equal(rfc2253Subject("C=US\nO=Acme, Inc\nCN=frontend"), "CN=frontend,O=Acme\\, Inc,C=US");
  });

  it("no certificate over TLS: empty SANs, and only an empty-string principal name matches", () => {
    const r = routingOf({
      allow: {
        any: [
          {
            permissions: [anyPermission],
            principals: [
              {
                identifier: {
                  case: "authenticated",
                  value: { principalName: { matchPattern: { case: "exact", value: "" } } },
                },
              },
            ],
          },
        ],
      },
    });
    assert.equal(verdict(r, { peer: peerIdentityOf(undefined) }), "allowed");
    assert.equal(verdict(r), DENIED);
  });
});
