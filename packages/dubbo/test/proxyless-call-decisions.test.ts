// The per-call decisions of proxyless mode that the end-to-end tests do not pin down exactly: which
// fault config is in force, header-controlled faults, max_active_faults, retry backoff bounds and the
// weighted cluster pick. Pure functions, no servers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CallAttributes, FaultConfig, HttpFilterConfig, RetryPolicyConfig } from "@dubbo-mesh/xds";
import { ActiveFaults, decideFault, faultConfigFor } from "../src/mesh/xds/fault-injection.js";
import { backoffMs } from "../src/mesh/xds/retry-backoff.js";
import { type ForwardingAction, pickCluster } from "../src/mesh/xds/route-selection.js";

const always = { numerator: 100, denominator: 100 } as const;
const abortUnavailable: FaultConfig = {
  abort: { kind: "status", code: 14, percentage: always },
  headers: [],
};
const abortDenied: FaultConfig = { abort: { kind: "status", code: 7, percentage: always }, headers: [] };
const filters: HttpFilterConfig[] = [
  { kind: "fault", name: "envoy.filters.http.fault", disabled: false, config: abortUnavailable },
  { kind: "router", name: "envoy.filters.http.router", disabled: false },
];

function call(headers: Record<string, string>): CallAttributes {
  return { path: "/greet.v1.GreetService/Greet", header: (n) => headers[n] };
}

describe("proxyless call decisions", () => {
  it("takes the most specific fault override: weighted cluster, route, virtual host, then the filter", () => {
    const name = "envoy.filters.http.fault";
    assert.equal(faultConfigFor(filters, [undefined, undefined, undefined, undefined]), abortUnavailable);
    assert.equal(
      faultConfigFor(filters, [undefined, { [name]: { kind: "fault", config: abortDenied } }]),
      abortDenied,
    );
    assert.equal(
      faultConfigFor(filters, [
        { [name]: { kind: "disabled" } },
        { [name]: { kind: "fault", config: abortDenied } },
      ]),
      undefined,
    );
    const off: HttpFilterConfig[] = [{ ...filters[0], disabled: true } as HttpFilterConfig, filters[1]];
    assert.equal(faultConfigFor(off, [undefined]), undefined);
    assert.equal(faultConfigFor(off, [{ [name]: { kind: "fault", config: abortDenied } }]), abortDenied);
  });

  it("reads header-controlled faults, honours the fault's header matchers and max_active_faults", () => {
    const headerFault: FaultConfig = {
      delay: { kind: "header", percentage: always },
      abort: { kind: "header", percentage: always },
      headers: [],
    };
    const active = new ActiveFaults();
    const grpc = decideFault(
      headerFault,
      call({ "x-envoy-fault-abort-grpc-request": "8" }),
      Math.random,
      active,
    );
    assert.equal(grpc.abort?.code, 8);
    const http = decideFault(
      headerFault,
      call({ "x-envoy-fault-abort-request": "503" }),
      Math.random,
      active,
    );
    assert.equal(http.abort?.code, 14); // 503 -> UNAVAILABLE, as gRPC maps HTTP statuses
    const delay = decideFault(
      headerFault,
      call({ "x-envoy-fault-delay-request": "250" }),
      Math.random,
      active,
    );
    assert.deepEqual([delay.delayMs, delay.abort], [250, undefined]);

    const onlyCanary: FaultConfig = {
      ...abortUnavailable,
      headers: [
        {
          name: "x-canary",
          rule: { kind: "string", matcher: { kind: "exact", value: "true", ignoreCase: false } },
          invert: false,
          treatMissingAsEmpty: false,
        } as FaultConfig["headers"][number],
      ],
    };
    assert.equal(decideFault(onlyCanary, call({}), Math.random, active).abort, undefined);
    assert.equal(decideFault(onlyCanary, call({ "x-canary": "true" }), Math.random, active).abort?.code, 14);

    const limited: FaultConfig = { ...abortUnavailable, maxActiveFaults: 1 };
    active.count = 1;
    assert.equal(decideFault(limited, call({}), Math.random, active).abort, undefined);
    active.count = 0;
    assert.equal(decideFault(limited, call({}), Math.random, active).abort?.code, 14);
  });

  it("backs off within [0, min(base x 2^(n-1), max))", () => {
    const policy: RetryPolicyConfig = {
      retryableStatusCodes: [14],
      maxAttempts: 5,
      initialBackoffMs: 25,
      maxBackoffMs: 80,
      backoffMultiplier: 2,
    };
    const top = () => 0.999_999;
    assert.ok(backoffMs(policy, 1, top) < 25);
    assert.ok(backoffMs(policy, 2, top) < 50 && backoffMs(policy, 2, top) > 49);
    assert.ok(backoffMs(policy, 4, top) < 80 && backoffMs(policy, 4, top) > 79);
    assert.equal(
      backoffMs(policy, 3, () => 0),
      0,
    );
  });

  it("picks weighted clusters in proportion to their weights", () => {
    const action = {
      kind: "weighted_clusters",
      clusters: [
        { name: "a", weight: 1, filterOverrides: {} },
        { name: "b", weight: 3, filterOverrides: {} },
      ],
      totalWeight: 4,
      hashPolicies: [],
    } as ForwardingAction;
    const at = (r: number) => pickCluster(action, () => r).name;
    assert.deepEqual([at(0), at(0.249), at(0.25), at(0.999)], ["a", "a", "b", "b"]);
  });
});
