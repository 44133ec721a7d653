import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import {
  FilterConfigSchema,
  type RouteMatchSchema,
  type RouteSchema,
  type VirtualHostSchema,
} from "../src/gen/envoy/config/route/v3/route_components_pb.js";
import { RouteConfigurationSchema } from "../src/gen/envoy/config/route/v3/route_pb.js";
import { HTTPFaultSchema } from "../src/gen/envoy/extensions/filters/http/fault/v3/fault_pb.js";
import { decodeResource, routeConfigurationType, type ValidatedRouteConfiguration } from "../src/index.js";
import { type Init, pack } from "./fixtures/any.js";
import { CLUSTER_NAME, DOMAINS, HOST, outboundRoute, PORT, ROUTE_NAME } from "./fixtures/istio-resources.js";

type VhInit = Init<typeof VirtualHostSchema>;
type RouteInit = Init<typeof RouteSchema>;

const toCluster = (cluster = "c"): RouteInit["action"] => ({
  case: "route",
  value: { clusterSpecifier: { case: "cluster", value: cluster } },
});
const prefix = (p = "/"): Init<typeof RouteMatchSchema> => ({ pathSpecifier: { case: "prefix", value: p } });

function rc(
  routes: RouteInit[],
  vh: Partial<VhInit> = {},
): ReturnType<typeof create<typeof RouteConfigurationSchema>> {
  return create(RouteConfigurationSchema, {
    name: "rc",
    virtualHosts: [{ name: "vh", domains: ["*"], routes, ...vh }],
  });
}

function ok(init: ReturnType<typeof rc>): ValidatedRouteConfiguration {
  const r = routeConfigurationType.validate(init);
  if (!r.ok) assert.fail(r.errors.join("\n"));
  return r.value;
}

function errs(init: ReturnType<typeof rc>): readonly string[] {
  const r = routeConfigurationType.validate(init);
  assert.equal(r.ok, false);
  return r.ok ? [] : r.errors;
}

describe("RouteConfiguration from istiod", () => {
  it("decodes weighted subsets, retries, timeouts and the default route", () => {
    const d = decodeResource(outboundRoute());
    assert.ok(d.ok, d.ok ? "" : d.errors.join("\n"));
    assert.equal(d.kind, "RouteConfiguration");
    const v = d.value as ValidatedRouteConfiguration;
    assert.equal(v.name, ROUTE_NAME);
    assert.deepEqual(v.virtualHosts[0].domains, DOMAINS);
    const [canary, fallback] = v.virtualHosts[0].routes;
    const istioRetry = {
      retryableStatusCodes: [1, 14],
      maxAttempts: 3,
      initialBackoffMs: 25,
      maxBackoffMs: 250,
      backoffMultiplier: 2,
    };
    assert.deepEqual(canary.action, {
      kind: "weighted_clusters",
      clusters: [
        { name: `outbound|${PORT}|v1|${HOST}`, weight: 90, filterOverrides: {} },
        { name: `outbound|${PORT}|v2|${HOST}`, weight: 10, filterOverrides: {} },
      ],
      totalWeight: 100,
      maxStreamDurationMs: 2000,
      retryPolicy: istioRetry,
      hashPolicies: [],
    });
    assert.equal(canary.match.headers[0].name, "x-canary");
    // istiod writes 0s (no limit) for routes without a VirtualService timeout.
    assert.deepEqual(fallback.action, {
      kind: "cluster",
      cluster: CLUSTER_NAME,
      maxStreamDurationMs: 0,
      retryPolicy: istioRetry,
      hashPolicies: [],
    });
  });
});

describe("RouteConfiguration: matches", () => {
  it("reads path, safe_regex, case_sensitive, headers, query parameters and runtime_fraction", () => {
    const v = ok(
      rc([
        {
          match: {
            pathSpecifier: { case: "safeRegex", value: { regex: "/echo\\.Echo/(Say|Shout)" } },
            headers: [
              {
                name: "x-range",
                headerMatchSpecifier: { case: "rangeMatch", value: { start: 10n, end: 20n } },
              },
              {
                name: "x-str",
                headerMatchSpecifier: {
                  case: "stringMatch",
                  value: { matchPattern: { case: "contains", value: "b" }, ignoreCase: true },
                },
                invertMatch: true,
              },
              { name: "x-suffix", headerMatchSpecifier: { case: "suffixMatch", value: "-z" } },
            ],
            queryParameters: [
              { name: "debug", queryParameterMatchSpecifier: { case: "presentMatch", value: true } },
            ],
            runtimeFraction: { defaultValue: { numerator: 50, denominator: 2 } },
          },
          action: toCluster(),
        },
        {
          match: { pathSpecifier: { case: "path", value: "/A/b" }, caseSensitive: false },
          action: toCluster(),
        },
      ]),
    );
    const [first, second] = v.virtualHosts[0].routes;
    assert.equal(first.match.path.kind, "safe_regex");
    assert.deepEqual(first.match.headers[0].rule, { kind: "range", start: 10, end: 20 });
    assert.deepEqual(first.match.headers[1].rule, {
      kind: "string",
      matcher: { kind: "contains", value: "b", ignoreCase: true },
    });
    assert.equal(first.match.headers[1].invert, true);
    assert.deepEqual(first.match.queryParameters, [{ name: "debug", kind: "present" }]);
    assert.deepEqual(first.match.runtimeFraction, { numerator: 50, denominator: 1_000_000 });
    assert.deepEqual(second.match, {
      path: { kind: "path", path: "/A/b" },
      caseSensitive: false,
      headers: [],
      queryParameters: [],
    });
  });

  it("skips cluster_header routes (A28) but keeps unsupported actions so matching order holds", () => {
    const v = ok(
      rc([
        {
          match: prefix("/a"),
          action: {
            case: "route",
            value: { clusterSpecifier: { case: "clusterHeader", value: "x-cluster" } },
          },
        },
        { match: prefix("/b"), action: { case: "redirect", value: {} } },
        { match: prefix("/c"), action: { case: "nonForwardingAction", value: {} } },
        { match: prefix("/"), action: toCluster() },
      ]),
    );
    assert.deepEqual(
      v.virtualHosts[0].routes.map((r) => r.action.kind),
      ["unsupported", "non_forwarding", "cluster"],
    );
    assert.deepEqual(v.virtualHosts[0].routes[0].action, { kind: "unsupported", action: "redirect" });
  });
});

describe("RouteConfiguration: actions", () => {
  it("maps retry policies (A44) and falls back to the virtual host's", () => {
    const v = ok(
      rc(
        [
          {
            match: prefix("/own"),
            action: {
              case: "route",
              value: {
                clusterSpecifier: { case: "cluster", value: "c" },
                retryPolicy: {
                  retryOn: "5xx, deadline-exceeded,internal,resource-exhausted",
                  numRetries: 4,
                  retryBackOff: { baseInterval: { nanos: 100_000_000 }, maxInterval: { seconds: 2n } },
                },
              },
            },
          },
          { match: prefix("/"), action: toCluster() },
          {
            match: prefix("/none"),
            action: {
              case: "route",
              value: { clusterSpecifier: { case: "cluster", value: "c" }, retryPolicy: { retryOn: "5xx" } },
            },
          },
        ],
        { retryPolicy: { retryOn: "unavailable", retryBackOff: { baseInterval: { nanos: 50_000_000 } } } },
      ),
    );
    const [own, inherited, none] = v.virtualHosts[0].routes.map((r) => r.action);
    assert.deepEqual(own.kind === "cluster" && own.retryPolicy, {
      retryableStatusCodes: [4, 8, 13],
      maxAttempts: 5,
      initialBackoffMs: 100,
      maxBackoffMs: 2000,
      backoffMultiplier: 2,
    });
    assert.deepEqual(inherited.kind === "cluster" && inherited.retryPolicy, {
      retryableStatusCodes: [14],
      maxAttempts: 2,
      initialBackoffMs: 50,
      maxBackoffMs: 500,
      backoffMultiplier: 2,
    });
    // A route policy with no gRPC-retryable condition means "no retries", not "inherit".
    assert.equal(none.kind === "cluster" && none.retryPolicy, undefined);
  });

  it("reads hash policies (A42): header with rewrite, channel id; drops the rest", () => {
    const v = ok(
      rc([
        {
          match: prefix(),
          action: {
            case: "route",
            value: {
              clusterSpecifier: { case: "cluster", value: "c" },
              hashPolicy: [
                { policySpecifier: { case: "cookie", value: { name: "c" } } },
                {
                  policySpecifier: {
                    case: "header",
                    value: {
                      headerName: "X-User",
                      regexRewrite: { pattern: { regex: "^user-(\\d+)$" }, substitution: "\\1" },
                    },
                  },
                  terminal: true,
                },
                { policySpecifier: { case: "filterState", value: { key: "io.grpc.channel_id" } } },
                { policySpecifier: { case: "filterState", value: { key: "something.else" } } },
              ],
            },
          },
        },
      ]),
    );
    const a = v.virtualHosts[0].routes[0].action;
    assert.ok(a.kind === "cluster");
    if (a.kind !== "cluster") return;
    assert.equal(a.hashPolicies.length, 2);
    const [header, channel] = a.hashPolicies;
    assert.ok(header.kind === "header" && header.headerName === "x-user" && header.terminal);
    if (header.kind === "header")
      assert.equal("user-42".replace(header.regexRewrite!.pattern, header.regexRewrite!.replacement), "42");
    assert.deepEqual(channel, { kind: "channel_id", terminal: false });
  });

  it("reads per-filter fault overrides, FilterConfig wrappers and skips optional unknown ones", () => {
    const faultOverride = pack(HTTPFaultSchema, {
      abort: { errorType: { case: "grpcStatus", value: 13 }, percentage: { numerator: 100 } },
    });
    const v = ok(
      rc(
        [
          {
            match: prefix(),
            action: {
              case: "route",
              value: {
                clusterSpecifier: {
                  case: "weightedClusters",
                  value: {
                    clusters: [
                      {
                        name: "a",
                        weight: 1,
                        typedPerFilterConfig: { "envoy.filters.http.fault": faultOverride },
                      },
                      { name: "zero", weight: 0 },
                    ],
                  },
                },
              },
            },
            typedPerFilterConfig: {
              "envoy.filters.http.fault": pack(FilterConfigSchema, { config: faultOverride }),
              off: pack(FilterConfigSchema, { disabled: true }),
              lua: pack(FilterConfigSchema, {
                isOptional: true,
                config: create(AnySchema, {
                  typeUrl: "type.googleapis.com/envoy.extensions.filters.http.lua.v3.LuaPerRoute",
                }),
              }),
            },
          },
        ],
        { typedPerFilterConfig: { "envoy.filters.http.fault": faultOverride } },
      ),
    );
    const vh = v.virtualHosts[0];
    const abort = { kind: "status", code: 13, percentage: { numerator: 100, denominator: 100 } };
    assert.deepEqual(vh.filterOverrides, {
      "envoy.filters.http.fault": { kind: "fault", config: { abort, headers: [] } },
    });
    assert.deepEqual(vh.routes[0].filterOverrides, {
      "envoy.filters.http.fault": { kind: "fault", config: { abort, headers: [] } },
      off: { kind: "disabled" },
    });
    const a = vh.routes[0].action;
    assert.ok(a.kind === "weighted_clusters");
    if (a.kind !== "weighted_clusters") return;
    // The zero-weight cluster can never be picked and is left out.
    assert.deepEqual(
      a.clusters.map((c) => c.name),
      ["a"],
    );
    assert.equal(a.clusters[0].filterOverrides["envoy.filters.http.fault"]?.kind, "fault");
  });
});

describe("RouteConfiguration: invalid resources name the field", () => {
  const cases: [string, ReturnType<typeof rc>, RegExp][] = [
    [
      "a wildcard in the middle of a domain",
      rc([], { domains: ["foo.*.com"] }),
      /^RouteConfiguration "rc": virtual_hosts\[0\]\.domains\[0\]: "foo\.\*\.com" has a wildcard in the middle$/,
    ],
    [
      "two wildcards",
      rc([], { domains: ["*.foo.*"] }),
      /domains\[0\]: "\*\.foo\.\*" has more than one wildcard/,
    ],
    [
      "a route without match",
      rc([{ action: toCluster() }]),
      /^RouteConfiguration "rc": virtual_hosts\[0\]\.routes\[0\]\.match: is not set$/,
    ],
    [
      "no path specifier",
      rc([{ match: {}, action: toCluster() }]),
      /routes\[0\]\.match: path_specifier is not set/,
    ],
    [
      "an unsupported path specifier",
      rc([{ match: { pathSpecifier: { case: "pathSeparatedPrefix", value: "/a" } }, action: toCluster() }]),
      /routes\[0\]\.match: path_specifier pathSeparatedPrefix is not supported/,
    ],
    [
      "a lookahead regex",
      rc([
        {
          match: { pathSpecifier: { case: "safeRegex", value: { regex: "/(?!admin).*" } } },
          action: toCluster(),
        },
      ]),
      /routes\[0\]\.match\.safe_regex: regex "\/\(\?!admin\)\.\*": lookahead/,
    ],
    [
      "an inverted range",
      rc([
        {
          match: {
            ...prefix(),
            headers: [
              { name: "h", headerMatchSpecifier: { case: "rangeMatch", value: { start: 5n, end: 1n } } },
            ],
          },
          action: toCluster(),
        },
      ]),
      /match\.headers\[0\]\.range_match: end must be greater than start/,
    ],
    ["no action", rc([{ match: prefix() }]), /routes\[0\]: action is not set$/],
    [
      "an empty cluster name",
      rc([{ match: prefix(), action: toCluster("") }]),
      /routes\[0\]\.route\.cluster: must not be empty$/,
    ],
    [
      "weights that add up to 0",
      rc([
        {
          match: prefix(),
          action: {
            case: "route",
            value: {
              clusterSpecifier: { case: "weightedClusters", value: { clusters: [{ name: "a", weight: 0 }] } },
            },
          },
        },
      ]),
      /route\.weighted_clusters: the sum of cluster weights must be greater than 0/,
    ],
    [
      "a total_weight that disagrees with the sum",
      rc([
        {
          match: prefix(),
          action: {
            case: "route",
            value: {
              clusterSpecifier: {
                case: "weightedClusters",
                value: { clusters: [{ name: "a", weight: 30 }], totalWeight: 100 },
              },
            },
          },
        },
      ]),
      /weighted_clusters\.total_weight: is 100 but the weights add up to 30/,
    ],
    [
      "weights above uint32",
      rc([
        {
          match: prefix(),
          action: {
            case: "route",
            value: {
              clusterSpecifier: {
                case: "weightedClusters",
                value: {
                  clusters: [
                    { name: "a", weight: 0xffffffff },
                    { name: "b", weight: 1 },
                  ],
                },
              },
            },
          },
        },
      ]),
      /sum of cluster weights exceeds uint32/,
    ],
    [
      "num_retries 0",
      rc([
        {
          match: prefix(),
          action: {
            case: "route",
            value: {
              clusterSpecifier: { case: "cluster", value: "c" },
              retryPolicy: { retryOn: "unavailable", numRetries: 0 },
            },
          },
        },
      ]),
      /route\.retry_policy\.num_retries: must be at least 1/,
    ],
    [
      "retry_back_off without base_interval",
      rc([], { retryPolicy: { retryOn: "unavailable", retryBackOff: { maxInterval: { seconds: 1n } } } }),
      /virtual_hosts\[0\]\.retry_policy\.retry_back_off\.base_interval: is required/,
    ],
    [
      "max_interval below base_interval",
      rc([], {
        retryPolicy: {
          retryOn: "unavailable",
          retryBackOff: { baseInterval: { seconds: 2n }, maxInterval: { seconds: 1n } },
        },
      }),
      /retry_back_off\.max_interval: must not be less than base_interval/,
    ],
    [
      "a negative max_stream_duration",
      rc([
        {
          match: prefix(),
          action: {
            case: "route",
            value: {
              clusterSpecifier: { case: "cluster", value: "c" },
              maxStreamDuration: { maxStreamDuration: { seconds: -1n } },
            },
          },
        },
      ]),
      /route\.max_stream_duration\.max_stream_duration: must not be negative/,
    ],
    [
      "a non-optional unknown filter override",
      rc([], {
        typedPerFilterConfig: {
          lua: create(AnySchema, {
            typeUrl: "type.googleapis.com/envoy.extensions.filters.http.lua.v3.LuaPerRoute",
          }),
        },
      }),
      /virtual_hosts\[0\]\.typed_per_filter_config\["lua"\]: envoy\.extensions\.filters\.http\.lua\.v3\.LuaPerRoute is not a supported filter override and is not optional/,
    ],
  ];
  for (const [name, init, expected] of cases) {
    it(`rejects ${name}`, () => {
      const e = errs(init);
      assert.ok(
        e.some((x) => expected.test(x)),
        e.join("\n"),
      );
      for (const x of e) assert.match(x, /^RouteConfiguration "rc": /);
    });
  }
});
