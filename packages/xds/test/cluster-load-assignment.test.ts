import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { HealthStatus } from "../src/gen/envoy/config/core/v3/health_check_pb.js";
import type { LocalityLbEndpointsSchema } from "../src/gen/envoy/config/endpoint/v3/endpoint_components_pb.js";
import { ClusterLoadAssignmentSchema } from "../src/gen/envoy/config/endpoint/v3/endpoint_pb.js";
import {
  clusterLoadAssignmentType,
  decodeResource,
  type ValidatedClusterLoadAssignment,
} from "../src/index.js";
import type { Init } from "./fixtures/any.js";
import { CLUSTER_NAME, endpoints, POD_IP, PORT } from "./fixtures/istio-resources.js";

type ClaInit = Init<typeof ClusterLoadAssignmentSchema>;
type GroupInit = Init<typeof LocalityLbEndpointsSchema>;

const ep = (address: string, port = 8080, healthStatus = HealthStatus.UNKNOWN, weight?: number) => ({
  hostIdentifier: {
    case: "endpoint" as const,
    value: {
      address: {
        address: {
          case: "socketAddress" as const,
          value: { address, portSpecifier: { case: "portValue" as const, value: port } },
        },
      },
    },
  },
  healthStatus,
  ...(weight === undefined ? {} : { loadBalancingWeight: weight }),
});
const group = (
  zone: string,
  priority: number,
  weight: number | undefined,
  ...lbEndpoints: ReturnType<typeof ep>[]
): GroupInit => ({
  locality: { region: "r", zone },
  priority,
  ...(weight === undefined ? {} : { loadBalancingWeight: weight }),
  lbEndpoints,
});

function validate(init: ClaInit) {
  return clusterLoadAssignmentType.validate(
    create(ClusterLoadAssignmentSchema, { clusterName: "svc", ...init }),
  );
}

function ok(init: ClaInit): ValidatedClusterLoadAssignment {
  const r = validate(init);
  if (!r.ok) assert.fail(r.errors.join("\n"));
  return r.value;
}

describe("ClusterLoadAssignment from istiod", () => {
  it("decodes localities, health and weights", () => {
    const d = decodeResource(endpoints());
    assert.ok(d.ok, d.ok ? "" : d.errors.join("\n"));
    assert.equal(d.name, CLUSTER_NAME);
    assert.deepEqual(d.value, {
      clusterName: CLUSTER_NAME,
      localities: [
        {
          locality: { region: "us-east1", zone: "us-east1-b", subZone: "" },
          weight: 2,
          priority: 0,
          endpoints: [
            {
              address: { host: POD_IP, port: PORT },
              additionalAddresses: [],
              health: "HEALTHY",
              usable: true,
              weight: 1,
              hostname: "",
            },
            {
              address: { host: "10.244.0.18", port: PORT },
              additionalAddresses: [],
              health: "DRAINING",
              usable: false,
              weight: 1,
              hostname: "",
            },
          ],
        },
      ],
      priorityCount: 1,
      dropOverloads: [],
    });
  });
});

describe("ClusterLoadAssignment", () => {
  it("drops localities without a weight (A27) and sorts by priority", () => {
    const v = ok({
      endpoints: [
        group("b", 1, 5, ep("10.0.0.2")),
        group("unweighted", 0, undefined, ep("10.0.0.9")),
        group("a", 0, 1, ep("10.0.0.1", 8080, HealthStatus.UNHEALTHY, 3)),
      ],
    });
    assert.deepEqual(
      v.localities.map((l) => [l.locality.zone, l.priority]),
      [
        ["a", 0],
        ["b", 1],
      ],
    );
    assert.equal(v.priorityCount, 2);
    assert.deepEqual(v.localities[0].endpoints[0], {
      address: { host: "10.0.0.1", port: 8080 },
      additionalAddresses: [],
      health: "UNHEALTHY",
      usable: false,
      weight: 3,
      hostname: "",
    });
  });

  it("keeps dual-stack addresses (A61) and tolerates a missing locality", () => {
    const v = ok({
      endpoints: [
        {
          loadBalancingWeight: 1,
          lbEndpoints: [
            {
              hostIdentifier: {
                case: "endpoint",
                value: {
                  hostname: "pod-a",
                  address: {
                    address: {
                      case: "socketAddress",
                      value: { address: "10.0.0.1", portSpecifier: { case: "portValue", value: 1 } },
                    },
                  },
                  additionalAddresses: [
                    {
                      address: {
                        address: {
                          case: "socketAddress",
                          value: { address: "fd00::1", portSpecifier: { case: "portValue", value: 1 } },
                        },
                      },
                    },
                  ],
                },
              },
            },
          ],
        },
      ],
    });
    assert.deepEqual(v.localities[0].locality, { region: "", zone: "", subZone: "" });
    assert.deepEqual(v.localities[0].endpoints[0].additionalAddresses, [{ host: "fd00::1", port: 1 }]);
    assert.equal(v.localities[0].endpoints[0].hostname, "pod-a");
  });

  it("reads drop_overloads", () => {
    const v = ok({
      policy: {
        dropOverloads: [
          { category: "throttle", dropPercentage: { numerator: 5, denominator: 1 } },
          { category: "all", dropPercentage: { numerator: 200 } },
        ],
      },
    });
    assert.deepEqual(v.dropOverloads, [
      { category: "throttle", fraction: { numerator: 5, denominator: 10_000 } },
      { category: "all", fraction: { numerator: 100, denominator: 100 } },
    ]);
    assert.equal(v.priorityCount, 0);
  });

  const bad: [string, ClaInit, RegExp][] = [
    [
      "a gap in priorities",
      { endpoints: [group("a", 0, 1, ep("10.0.0.1")), group("b", 2, 1, ep("10.0.0.2"))] },
      /^ClusterLoadAssignment "svc": endpoints: priorities are not contiguous: 1 is missing below 2$/,
    ],
    [
      "no priority 0",
      { endpoints: [group("a", 1, 1, ep("10.0.0.1"))] },
      /priorities are not contiguous: 0 is missing below 1/,
    ],
    [
      "a duplicate address",
      { endpoints: [group("a", 0, 1, ep("10.0.0.1")), group("b", 0, 1, ep("10.0.0.1"))] },
      /^ClusterLoadAssignment "svc": endpoints\[1\]\.lb_endpoints\[0\]\.endpoint: duplicate address 10\.0\.0\.1:8080$/,
    ],
    [
      "a duplicate locality",
      { endpoints: [group("a", 0, 1, ep("10.0.0.1")), group("a", 0, 1, ep("10.0.0.2"))] },
      /endpoints\[1\]\.locality: duplicate locality within the same priority/,
    ],
    [
      "locality weights above uint32",
      { endpoints: [group("a", 0, 0xffffffff, ep("10.0.0.1")), group("b", 0, 1, ep("10.0.0.2"))] },
      /endpoints\[1\]\.load_balancing_weight: locality weights of priority 0 exceed uint32/,
    ],
    [
      "an endpoint weight of 0",
      { endpoints: [group("a", 0, 1, ep("10.0.0.1", 1, HealthStatus.HEALTHY, 0))] },
      /lb_endpoints\[0\]\.load_balancing_weight: must be at least 1/,
    ],
    [
      "an empty address",
      { endpoints: [group("a", 0, 1, ep(""))] },
      /lb_endpoints\[0\]\.endpoint\.address\.socket_address\.address: must not be empty/,
    ],
    [
      "a port above 65535",
      { endpoints: [group("a", 0, 1, ep("10.0.0.1", 70000))] },
      /socket_address\.port_value: 70000 is not a port/,
    ],
    [
      "a named port",
      {
        endpoints: [
          {
            loadBalancingWeight: 1,
            lbEndpoints: [
              {
                hostIdentifier: {
                  case: "endpoint",
                  value: {
                    address: {
                      address: {
                        case: "socketAddress",
                        value: { address: "10.0.0.1", portSpecifier: { case: "namedPort", value: "grpc" } },
                      },
                    },
                  },
                },
              },
            ],
          },
        ],
      },
      /endpoint\.address\.socket_address: port_value must be set/,
    ],
    [
      "a drop overload without percentage",
      { policy: { dropOverloads: [{ category: "x" }] } },
      /policy\.drop_overloads\[0\]\.drop_percentage: is not set/,
    ],
  ];
  for (const [name, init, expected] of bad) {
    it(`rejects ${name}`, () => {
      const r = validate(init);
      assert.equal(r.ok, false);
      const e = r.ok ? [] : r.errors;
      assert.ok(
        e.some((x) => expected.test(x)),
        e.join("\n"),
      );
    });
  }
});
