import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { type Any, AnySchema } from "@bufbuild/protobuf/wkt";
import { ListenerSchema } from "../src/gen/envoy/config/listener/v3/listener_pb.js";
import { RBAC_Action } from "../src/gen/envoy/config/rbac/v3/rbac_pb.js";
import { HTTPFaultSchema } from "../src/gen/envoy/extensions/filters/http/fault/v3/fault_pb.js";
import { RBACSchema } from "../src/gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import { RouterSchema } from "../src/gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { HttpConnectionManagerSchema } from "../src/gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { TypedStructSchema as UdpaTypedStructSchema } from "../src/gen/udpa/type/v1/typed_struct_pb.js";
import { TypedStructSchema } from "../src/gen/xds/type/v3/typed_struct_pb.js";
import { decodeResource, listenerType, type ValidatedListener } from "../src/index.js";
import { type Init, pack, packAs } from "./fixtures/any.js";
import {
  INBOUND_LISTENER_NAME,
  inboundListener,
  LISTENER_NAME,
  outboundListener,
  POD_IP,
  PORT,
  ROUTE_NAME,
} from "./fixtures/istio-resources.js";

type HcmInit = Init<typeof HttpConnectionManagerSchema>;
type FilterInit = NonNullable<HcmInit["httpFilters"]>[number];

const ads = { configSourceSpecifier: { case: "ads" as const, value: {} } };
const rds = { case: "rds" as const, value: { configSource: ads, routeConfigName: "r" } };
const filter = (name: string, value: Any, isOptional = false): FilterInit => ({
  name,
  isOptional,
  configType: { case: "typedConfig", value },
});
const router = filter("envoy.filters.http.router", pack(RouterSchema, {}));
const unknownConfig = create(AnySchema, {
  typeUrl: "type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua",
});

function clientListener(hcm: HcmInit, extra: Init<typeof ListenerSchema> = {}) {
  return create(ListenerSchema, {
    name: "svc:8080",
    apiListener: { apiListener: pack(HttpConnectionManagerSchema, hcm) },
    ...extra,
  });
}

function ok(result: ReturnType<typeof listenerType.validate>): ValidatedListener {
  if (!result.ok) assert.fail(`expected valid, got ${result.errors.join("\n")}`);
  return result.value;
}

function errors(result: ReturnType<typeof listenerType.validate>): readonly string[] {
  assert.equal(result.ok, false, "expected validation errors");
  return result.ok ? [] : result.errors;
}

describe("Listener (client, api_listener)", () => {
  it("decodes istiod's outbound listener: HCM + RDS over ADS, fault then router", () => {
    const decoded = decodeResource(outboundListener());
    assert.ok(decoded.ok, decoded.ok ? "" : decoded.errors.join("\n"));
    assert.equal(decoded.kind, "Listener");
    assert.equal(decoded.name, LISTENER_NAME);
    assert.deepEqual(decoded.value, {
      kind: "client",
      name: LISTENER_NAME,
      httpConnectionManager: {
        routes: { kind: "rds", routeConfigName: ROUTE_NAME },
        httpFilters: [
          { kind: "fault", name: "envoy.filters.http.fault", disabled: false, config: { headers: [] } },
          { kind: "router", name: "envoy.filters.http.router", disabled: false },
        ],
      },
    });
    assert.ok(Object.isFrozen(decoded.value));
  });

  it("accepts config_source self, an inline route_config and the HCM max_stream_duration", () => {
    const l = ok(
      listenerType.validate(
        clientListener({
          routeSpecifier: {
            case: "routeConfig",
            value: { name: "inline", virtualHosts: [{ domains: ["*"], routes: [] }] },
          },
          commonHttpProtocolOptions: { maxStreamDuration: { seconds: 5n } },
          httpFilters: [router],
        }),
      ),
    );
    assert.equal(l.kind, "client");
    if (l.kind !== "client") return;
    assert.equal(l.httpConnectionManager.routes.kind, "inline");
    assert.equal(l.httpConnectionManager.maxStreamDurationMs, 5000);
    const self = ok(
      listenerType.validate(
        clientListener({
          routeSpecifier: {
            case: "rds",
            value: {
              configSource: { configSourceSpecifier: { case: "self", value: {} } },
              routeConfigName: "r",
            },
          },
        }),
      ),
    );
    assert.deepEqual(self.kind === "client" && self.httpConnectionManager.routes, {
      kind: "rds",
      routeConfigName: "r",
    });
  });

  it("reads filter configs wrapped in xds and udpa TypedStruct", () => {
    const faultJson = {
      abort: { grpcStatus: 14, percentage: { numerator: 25, denominator: "HUNDRED" } },
      maxActiveFaults: 3,
    };
    const l = ok(
      listenerType.validate(
        clientListener({
          routeSpecifier: rds,
          httpFilters: [
            filter(
              "fault",
              pack(TypedStructSchema, {
                typeUrl: "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
                value: faultJson,
              }),
            ),
            filter(
              "router",
              pack(UdpaTypedStructSchema, {
                typeUrl: "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router",
                value: {},
              }),
            ),
          ],
        }),
      ),
    );
    assert.deepEqual(l.kind === "client" && l.httpConnectionManager.httpFilters, [
      {
        kind: "fault",
        name: "fault",
        disabled: false,
        config: {
          abort: { kind: "status", code: 14, percentage: { numerator: 25, denominator: 100 } },
          maxActiveFaults: 3,
          headers: [],
        },
      },
      { kind: "router", name: "router", disabled: false },
    ]);
  });

  it("parses fault delays and HTTP aborts (A33)", () => {
    const fault = pack(HTTPFaultSchema, {
      delay: {
        faultDelaySecifier: { case: "fixedDelay", value: { nanos: 250_000_000 } },
        percentage: { numerator: 10, denominator: 1 },
      },
      abort: { errorType: { case: "httpStatus", value: 503 }, percentage: { numerator: 5 } },
      headers: [{ name: "X-Fault", headerMatchSpecifier: { case: "presentMatch", value: true } }],
    });
    const l = ok(
      listenerType.validate(
        clientListener({ routeSpecifier: rds, httpFilters: [filter("f", fault), router] }),
      ),
    );
    const f = l.kind === "client" ? l.httpConnectionManager.httpFilters[0] : undefined;
    assert.equal(f?.kind, "fault");
    if (f?.kind !== "fault") return;
    assert.deepEqual(f.config.delay, {
      kind: "fixed",
      delayMs: 250,
      percentage: { numerator: 10, denominator: 10_000 },
    });
    assert.deepEqual(f.config.abort, {
      kind: "status",
      code: 14,
      httpStatus: 503,
      percentage: { numerator: 5, denominator: 100 },
    });
    assert.deepEqual(f.config.headers, [
      {
        name: "x-fault",
        rule: { kind: "present", present: true },
        invert: false,
        treatMissingAsEmpty: false,
      },
    ]);
  });

  it("skips an unknown optional filter", () => {
    const l = ok(
      listenerType.validate(
        clientListener({ routeSpecifier: rds, httpFilters: [filter("lua", unknownConfig, true), router] }),
      ),
    );
    assert.deepEqual(l.kind === "client" && l.httpConnectionManager.httpFilters.map((f) => f.name), [
      "envoy.filters.http.router",
    ]);
  });

  it("accepts the Dubbo control plane's renamed types", () => {
    const hcm = packAs(
      "type.googleapis.com/extensions.filters.network.http_connection_manager.v1.HttpConnectionManager",
      HttpConnectionManagerSchema,
      {
        routeSpecifier: rds,
        httpFilters: [
          filter(
            "router",
            packAs("type.googleapis.com/extensions.filters.http.router.v1.Router", RouterSchema, {}),
          ),
        ],
      },
    );
    const any = packAs("type.googleapis.com/listener.v1.Listener", ListenerSchema, {
      name: "svc:8080",
      apiListener: { apiListener: hcm },
    });
    const decoded = decodeResource(any);
    assert.ok(decoded.ok, decoded.ok ? "" : decoded.errors.join("\n"));
    assert.equal(decoded.kind, "Listener");
  });

  const bad: [string, HcmInit, Init<typeof ListenerSchema> | undefined, RegExp][] = [
    [
      "an unknown non-optional filter",
      { routeSpecifier: rds, httpFilters: [filter("envoy.filters.http.lua", unknownConfig), router] },
      undefined,
      /^Listener "svc:8080": api_listener\.api_listener\.http_filters\[0\]: filter "envoy\.filters\.http\.lua" \(envoy\.extensions\.filters\.http\.lua\.v3\.Lua\) is not a supported filter and is not optional$/,
    ],
    [
      "a router that is not last",
      { routeSpecifier: rds, httpFilters: [router, filter("f", pack(HTTPFaultSchema, {}))] },
      undefined,
      /http_filters\[0\]: filter "envoy\.filters\.http\.router": the router must be the last filter/,
    ],
    [
      "a last filter that is not the router",
      { routeSpecifier: rds, httpFilters: [filter("f", pack(HTTPFaultSchema, {}))] },
      undefined,
      /http_filters\[0\]: filter "f": the last filter must be the router/,
    ],
    [
      "RBAC on a client",
      { routeSpecifier: rds, httpFilters: [filter("rbac", pack(RBACSchema, {})), router] },
      undefined,
      /http_filters\[0\]: filter "rbac" \(envoy\.extensions\.filters\.http\.rbac\.v3\.RBAC\) is not supported on the client side and is not optional/,
    ],
    [
      "duplicate filter names",
      {
        routeSpecifier: rds,
        httpFilters: [filter("x", pack(HTTPFaultSchema, {})), { ...router, name: "x" }],
      },
      undefined,
      /http_filters\[1\]\.name: duplicate filter name "x"/,
    ],
    [
      "a fault abort with an impossible HTTP status",
      {
        routeSpecifier: rds,
        httpFilters: [
          filter("f", pack(HTTPFaultSchema, { abort: { errorType: { case: "httpStatus", value: 99 } } })),
          router,
        ],
      },
      undefined,
      /http_filters\[0\]\.typed_config\.abort\.http_status: 99 is not an HTTP status/,
    ],
    [
      "RDS from a non-ADS config source",
      {
        routeSpecifier: {
          case: "rds",
          value: {
            configSource: { configSourceSpecifier: { case: "path", value: "/r" } },
            routeConfigName: "r",
          },
        },
      },
      undefined,
      /api_listener\.api_listener\.rds\.config_source: must be ads or self, got path$/,
    ],
    [
      "an empty route_config_name",
      { routeSpecifier: { case: "rds", value: { configSource: ads } } },
      undefined,
      /rds\.route_config_name: must not be empty$/,
    ],
    ["no route specifier", {}, undefined, /api_listener\.api_listener: route_specifier is not set/],
    [
      "trusted XFF hops (A41)",
      { routeSpecifier: rds, xffNumTrustedHops: 1 },
      undefined,
      /xff_num_trusted_hops: must be 0$/,
    ],
    [
      "listener filters",
      { routeSpecifier: rds },
      { listenerFilters: [{ name: "tls_inspector" }] },
      /^Listener "svc:8080": listener_filters: is not supported$/,
    ],
  ];
  for (const [name, hcm, extra, expected] of bad) {
    it(`rejects ${name}`, () => {
      const errs = errors(listenerType.validate(clientListener(hcm, extra)));
      assert.ok(
        errs.some((e) => expected.test(e)),
        errs.join("\n"),
      );
      for (const e of errs) assert.match(e, /^Listener "svc:8080": /);
    });
  }

  it("rejects an api_listener that is not an HttpConnectionManager", () => {
    const l = create(ListenerSchema, { name: "x", apiListener: { apiListener: pack(RouterSchema, {}) } });
    assert.deepEqual(errors(listenerType.validate(l)), [
      'Listener "x": api_listener.api_listener: expected envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager, got envoy.extensions.filters.http.router.v3.Router',
    ]);
  });
});

describe("Listener (server, A36)", () => {
  it("decodes istiod's inbound plaintext listener with an RBAC filter", () => {
    const decoded = decodeResource(inboundListener(false));
    assert.ok(decoded.ok, decoded.ok ? "" : decoded.errors.join("\n"));
    assert.equal(decoded.kind, "Listener");
    const l = decoded.value as ValidatedListener;
    assert.equal(l.kind, "server");
    if (l.kind !== "server") return;
    assert.equal(l.name, INBOUND_LISTENER_NAME);
    assert.deepEqual(l.address, { host: POD_IP, port: PORT });
    assert.equal(l.filterChains.length, 1);
    const chain = l.filterChains[0];
    assert.equal(chain.name, "inbound-plaintext");
    assert.equal(chain.tls, undefined);
    const [rbac, routerFilter] = chain.httpConnectionManager.httpFilters;
    assert.equal(routerFilter.kind, "router");
    assert.deepEqual(rbac, {
      kind: "rbac",
      name: "envoy.filters.http.rbac",
      disabled: false,
      config: {
        rules: {
          action: "ALLOW",
          policies: [
            {
              name: "ns[default]-policy[allow-frontend]-rule[0]",
              permissions: [{ kind: "any" }],
              principals: [
                {
                  kind: "authenticated",
                  principalName: {
                    kind: "exact",
                    value: "spiffe://cluster.local/ns/default/sa/frontend",
                    ignoreCase: false,
                  },
                },
              ],
            },
          ],
        },
      },
    });
    const routes = chain.httpConnectionManager.routes;
    assert.equal(routes.kind, "inline");
    if (routes.kind === "inline")
      assert.deepEqual(routes.routeConfiguration.virtualHosts[0].routes[0].action, {
        kind: "non_forwarding",
      });
  });

  it("reads mTLS from istiod's deprecated certificate-provider fields", () => {
    const r = listenerType.validate(listenerType.decode(inboundListener(true).value), {
      certificateProviders: new Set(["default"]),
    });
    const l = ok(r);
    assert.ok(l.kind === "server");
    if (l.kind !== "server") return;
    assert.deepEqual(l.filterChains[0].tls, {
      identityCertificate: { instanceName: "default", certificateName: "default" },
      caCertificate: { instanceName: "default", certificateName: "ROOTCA" },
      requireClientCertificate: true,
      sanMatchers: [],
    });
  });

  it("rejects TLS naming a provider the bootstrap lacks", () => {
    const errs = errors(
      listenerType.validate(listenerType.decode(inboundListener(true).value), {
        certificateProviders: new Set(["other"]),
      }),
    );
    assert.ok(
      errs.some((e) =>
        e.includes(
          'filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificate_certificate_provider_instance.instance_name: "default" is not a certificate provider in the bootstrap',
        ),
      ),
      errs.join("\n"),
    );
  });

  const hcm = (httpFilters: FilterInit[]) =>
    pack(HttpConnectionManagerSchema, {
      routeSpecifier: { case: "routeConfig", value: { virtualHosts: [{ domains: ["*"] }] } },
      httpFilters,
    });
  const chain = (name: string, filters: FilterInit[], match?: object) => ({
    name,
    filters: [{ name: "hcm", configType: { case: "typedConfig" as const, value: hcm(filters) } }],
    ...(match === undefined ? {} : { filterChainMatch: match }),
  });
  const address = {
    address: {
      case: "socketAddress" as const,
      value: { address: "0.0.0.0", portSpecifier: { case: "portValue" as const, value: 8080 } },
    },
  };

  it("drops chains gRPC can never match and keeps the rest", () => {
    const l = ok(
      listenerType.validate(
        create(ListenerSchema, {
          name: "in",
          address,
          filterChains: [chain("sni", [router], { serverNames: ["a.example"] }), chain("plain", [router])],
          defaultFilterChain: chain("default", [router]),
        }),
      ),
    );
    assert.ok(l.kind === "server");
    if (l.kind !== "server") return;
    assert.deepEqual(
      l.filterChains.map((c) => c.name),
      ["plain"],
    );
    assert.equal(l.defaultFilterChain?.name, "default");
  });

  const badServer: [string, Init<typeof ListenerSchema>, RegExp][] = [
    [
      "a non-optional fault filter on a server",
      { name: "in", address, filterChains: [chain("c", [filter("f", pack(HTTPFaultSchema, {})), router])] },
      /filter_chains\[0\]\.filters\[0\]\.typed_config\.http_filters\[0\]: filter "f" .* is not supported on the server side/,
    ],
    [
      "duplicate filter chain matches",
      {
        name: "in",
        address,
        filterChains: [
          chain("a", [router], { prefixRanges: [{ addressPrefix: "10.0.0.0", prefixLen: 8 }] }),
          chain("b", [router], { prefixRanges: [{ addressPrefix: "10.0.0.0", prefixLen: 8 }] }),
        ],
      },
      /^Listener "in": filter_chains\[1\]\.filter_chain_match: duplicates the match of filter_chains\[0\]$/,
    ],
    [
      "a missing address",
      { name: "in", filterChains: [chain("c", [router])] },
      /^Listener "in": address: is not set$/,
    ],
    [
      "no filter chains at all",
      { name: "in", address },
      /has neither api_listener nor filter_chains nor default_filter_chain/,
    ],
    [
      "RBAC with a CEL condition",
      {
        name: "in",
        address,
        filterChains: [
          chain("c", [
            filter(
              "rbac",
              pack(RBACSchema, { rules: { action: RBAC_Action.DENY, policies: { p: { condition: {} } } } }),
            ),
            router,
          ]),
        ],
      },
      /typed_config\.rules\.policies\["p"\]\.condition: CEL conditions are not supported/,
    ],
    [
      "RBAC matching a grpc- header",
      {
        name: "in",
        address,
        filterChains: [
          chain("c", [
            filter(
              "rbac",
              pack(RBACSchema, {
                rules: {
                  policies: {
                    p: {
                      permissions: [
                        {
                          rule: {
                            case: "header",
                            value: {
                              name: "grpc-timeout",
                              headerMatchSpecifier: { case: "presentMatch", value: true },
                            },
                          },
                        },
                      ],
                      principals: [{ identifier: { case: "any", value: true } }],
                    },
                  },
                },
              }),
            ),
            router,
          ]),
        ],
      },
      /policies\["p"\]\.permissions\[0\]\.header\.name: matching on "grpc-timeout" is not allowed/,
    ],
    [
      "a chain with two network filters",
      {
        name: "in",
        address,
        filterChains: [
          { name: "c", filters: [...chain("c", [router]).filters, ...chain("c", [router]).filters] },
        ],
      },
      /filter_chains\[0\]\.filters\[1\]: a filter chain must have exactly one filter/,
    ],
  ];
  for (const [name, init, expected] of badServer) {
    it(`rejects ${name}`, () => {
      const errs = errors(listenerType.validate(create(ListenerSchema, init)));
      assert.ok(
        errs.some((e) => expected.test(e)),
        errs.join("\n"),
      );
    });
  }

  it("ignores a LOG-only RBAC policy (A41)", () => {
    const l = ok(
      listenerType.validate(
        create(ListenerSchema, {
          name: "in",
          address,
          filterChains: [
            chain("c", [filter("rbac", pack(RBACSchema, { rules: { action: RBAC_Action.LOG } })), router]),
          ],
        }),
      ),
    );
    const f = l.kind === "server" ? l.filterChains[0].httpConnectionManager.httpFilters[0] : undefined;
    assert.deepEqual(f?.kind === "rbac" && f.config, {});
  });
});
