import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { RouteConfigurationSchema } from "../src/gen/envoy/config/route/v3/route_pb.js";
import {
  decodeResource,
  findVirtualHost,
  matchHeader,
  matchRoute,
  routeConfigurationType,
  type ValidatedRouteConfiguration,
} from "../src/index.js";
import { outboundRoute } from "./fixtures/istio-resources.js";

const hosts = (...domainLists: string[][]) => domainLists.map((domains, i) => ({ name: `vh${i}`, domains }));

describe("findVirtualHost (A28 most specific domain)", () => {
  const vhs = hosts(
    ["*"],
    ["foo.*"],
    ["*.example.com"],
    ["*.b.example.com"],
    ["api.example.com", "API.example.com:443"],
  );
  const pick = (authority: string) => findVirtualHost(vhs, authority)?.name;

  it("prefers exact, then the longest suffix wildcard, then prefix wildcard, then *", () => {
    assert.equal(pick("api.example.com"), "vh4");
    assert.equal(pick("Api.Example.Com:443"), "vh4");
    assert.equal(pick("x.b.example.com"), "vh3");
    assert.equal(pick("x.example.com"), "vh2");
    assert.equal(pick("foo.bar"), "vh1");
    // Both `*.example.com` and `foo.*` match: the suffix wildcard is more specific.
    assert.equal(pick("foo.example.com"), "vh2");
    assert.equal(pick("other"), "vh0");
  });

  it("needs at least one character for the wildcard", () => {
    assert.equal(findVirtualHost(hosts(["*.example.com"]), ".example.com"), undefined);
    assert.equal(findVirtualHost(hosts(["foo.*"]), "foo."), undefined);
  });

  it("finds istiod's virtual host under every name a client may use", () => {
    const d = decodeResource(outboundRoute());
    assert.ok(d.ok);
    const v = d.value as ValidatedRouteConfiguration;
    for (const authority of [
      "echo:50051",
      "echo.default.svc.cluster.local:50051",
      "echo.default",
      "10.96.0.10:50051",
    ]) {
      assert.equal(
        findVirtualHost(v.virtualHosts, authority)?.name,
        "echo.default.svc.cluster.local:50051",
        authority,
      );
    }
    assert.equal(findVirtualHost(v.virtualHosts, "echo:8080"), undefined);
  });
});

describe("matchRoute", () => {
  const rc = routeConfigurationType.validate(
    create(RouteConfigurationSchema, {
      name: "rc",
      virtualHosts: [
        {
          domains: ["*"],
          routes: [
            {
              match: {
                pathSpecifier: { case: "prefix", value: "/pkg.Svc/" },
                caseSensitive: false,
                headers: [
                  { name: "x-user", headerMatchSpecifier: { case: "prefixMatch", value: "vip-" } },
                  {
                    name: "x-test",
                    headerMatchSpecifier: { case: "presentMatch", value: true },
                    invertMatch: true,
                  },
                ],
              },
              action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "vip" } } },
            },
            {
              match: {
                pathSpecifier: { case: "safeRegex", value: { regex: "/pkg\\.Svc/(Get|List)" } },
                runtimeFraction: { defaultValue: { numerator: 30 } },
              },
              action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "reads" } } },
            },
            {
              match: {
                pathSpecifier: { case: "path", value: "/pkg.Svc/Debug" },
                queryParameters: [
                  {
                    name: "trace",
                    queryParameterMatchSpecifier: {
                      case: "stringMatch",
                      value: { matchPattern: { case: "exact", value: "1" } },
                    },
                  },
                ],
              },
              action: { case: "route", value: { clusterSpecifier: { case: "cluster", value: "debug" } } },
            },
          ],
        },
      ],
    }),
  );
  assert.ok(rc.ok);
  const routes = rc.ok ? rc.value.virtualHosts[0].routes : [];
  const headers = (h: Record<string, string>) => (name: string) => h[name];

  it("matches path case-insensitively when asked, with headers and inverted presence", () => {
    assert.ok(matchRoute(routes[0].match, { path: "/PKG.svc/Get", header: headers({ "x-user": "vip-1" }) }));
    assert.ok(
      !matchRoute(routes[0].match, {
        path: "/pkg.Svc/Get",
        header: headers({ "x-user": "vip-1", "x-test": "1" }),
      }),
    );
    assert.ok(!matchRoute(routes[0].match, { path: "/pkg.Svc/Get", header: headers({}) }));
  });

  it("applies the runtime fraction with the given random source", () => {
    const call = (r: number) => ({ path: "/pkg.Svc/List", header: headers({}), random: () => r });
    assert.ok(matchRoute(routes[1].match, call(0.29)));
    assert.ok(!matchRoute(routes[1].match, call(0.3)));
    assert.ok(!matchRoute(routes[1].match, { ...call(0), path: "/pkg.Svc/Delete" }));
  });

  it("never matches a query-parameter route without a query string (gRPC calls)", () => {
    assert.ok(!matchRoute(routes[2].match, { path: "/pkg.Svc/Debug", header: headers({}) }));
    assert.ok(
      matchRoute(routes[2].match, {
        path: "/pkg.Svc/Debug",
        header: headers({}),
        query: new URLSearchParams("trace=1"),
      }),
    );
  });
});

describe("matchHeader", () => {
  const base = { name: "x", invert: false, treatMissingAsEmpty: false };
  const exact = {
    kind: "string" as const,
    matcher: { kind: "exact" as const, value: "a", ignoreCase: false },
  };

  it("inverts value matchers but never matches an absent header", () => {
    assert.ok(matchHeader({ ...base, rule: exact }, "a"));
    assert.ok(!matchHeader({ ...base, rule: exact, invert: true }, "a"));
    assert.ok(matchHeader({ ...base, rule: exact, invert: true }, "b"));
    assert.ok(!matchHeader({ ...base, rule: exact, invert: true }, undefined));
    assert.ok(
      matchHeader(
        {
          ...base,
          rule: { kind: "string", matcher: { kind: "exact", value: "", ignoreCase: false } },
          treatMissingAsEmpty: true,
        },
        undefined,
      ),
    );
  });

  it("matches integer ranges as [start, end)", () => {
    const range = { ...base, rule: { kind: "range" as const, start: -5, end: 10 } };
    assert.ok(matchHeader(range, "-5"));
    assert.ok(matchHeader(range, "9"));
    assert.ok(!matchHeader(range, "10"));
    assert.ok(!matchHeader(range, "3.5"));
  });

  it("matches presence and absence", () => {
    assert.ok(matchHeader({ ...base, rule: { kind: "present", present: false } }, undefined));
    assert.ok(!matchHeader({ ...base, rule: { kind: "present", present: false } }, ""));
  });
});
