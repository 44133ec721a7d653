import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { AnySchema } from "@bufbuild/protobuf/wkt";
import {
  Cluster_DiscoveryType,
  Cluster_LbPolicy,
  Cluster_RingHashLbConfig_HashFunction,
  ClusterSchema,
} from "../src/gen/envoy/config/cluster/v3/cluster_pb.js";
import { RoutingPriority } from "../src/gen/envoy/config/core/v3/base_pb.js";
import { ClusterConfigSchema } from "../src/gen/envoy/extensions/clusters/aggregate/v3/cluster_pb.js";
import { ClientSideWeightedRoundRobinSchema } from "../src/gen/envoy/extensions/load_balancing_policies/client_side_weighted_round_robin/v3/client_side_weighted_round_robin_pb.js";
import { LeastRequestSchema } from "../src/gen/envoy/extensions/load_balancing_policies/least_request/v3/least_request_pb.js";
import { PickFirstSchema } from "../src/gen/envoy/extensions/load_balancing_policies/pick_first/v3/pick_first_pb.js";
import { RingHashSchema } from "../src/gen/envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash_pb.js";
import { RoundRobinSchema } from "../src/gen/envoy/extensions/load_balancing_policies/round_robin/v3/round_robin_pb.js";
import { WrrLocalitySchema } from "../src/gen/envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality_pb.js";
import { UpstreamTlsContextSchema } from "../src/gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { TypedStructSchema } from "../src/gen/xds/type/v3/typed_struct_pb.js";
import { clusterType, decodeResource, type ValidatedCluster } from "../src/index.js";
import { type Init, pack } from "./fixtures/any.js";
import { CLUSTER_NAME, outboundCluster } from "./fixtures/istio-resources.js";

type ClusterInit = Init<typeof ClusterSchema>;
const eds = (extra: ClusterInit = {}): ClusterInit => ({
  name: "c",
  clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS },
  edsClusterConfig: { edsConfig: { configSourceSpecifier: { case: "ads", value: {} } } },
  ...extra,
});

function ok(init: ClusterInit, providers?: string[]): ValidatedCluster {
  const r = clusterType.validate(
    create(ClusterSchema, init),
    providers ? { certificateProviders: new Set(providers) } : {},
  );
  if (!r.ok) assert.fail(r.errors.join("\n"));
  return r.value;
}

function errs(init: ClusterInit, providers?: string[]): readonly string[] {
  const r = clusterType.validate(
    create(ClusterSchema, init),
    providers ? { certificateProviders: new Set(providers) } : {},
  );
  assert.equal(r.ok, false, "expected errors");
  return r.ok ? [] : r.errors;
}

const policy = (...configs: ReturnType<typeof pack>[]) => ({
  policies: configs.map((typedConfig, i) => ({ typedExtensionConfig: { name: `p${i}`, typedConfig } })),
});

describe("Cluster from istiod", () => {
  const expectedTls = {
    identityCertificate: { instanceName: "default", certificateName: "default" },
    caCertificate: { instanceName: "default", certificateName: "ROOTCA" },
    sanMatchers: [
      {
        sanType: "any",
        matcher: { kind: "exact", value: "spiffe://cluster.local/ns/default/sa/echo", ignoreCase: false },
      },
    ],
    sni: "outbound_.50051_._.echo.default.svc.cluster.local",
  };

  it("decodes a plaintext EDS cluster with circuit breaking", () => {
    const d = decodeResource(outboundCluster());
    assert.ok(d.ok, d.ok ? "" : d.errors.join("\n"));
    assert.deepEqual(d.value, {
      name: CLUSTER_NAME,
      discovery: { kind: "eds", serviceName: CLUSTER_NAME },
      lbPolicy: { kind: "wrr_locality", childPolicy: { kind: "round_robin" } },
      maxRequests: 100,
    });
  });

  for (const fields of ["deprecated", "current", "both"] as const) {
    it(`reads ISTIO_MUTUAL from the ${fields} certificate-provider fields`, () => {
      const d = decodeResource(outboundCluster(fields), {
        context: { certificateProviders: new Set(["default"]) },
      });
      assert.ok(d.ok, d.ok ? "" : d.errors.join("\n"));
      assert.deepEqual((d.value as ValidatedCluster).tls, expectedTls);
    });
  }
});

describe("Cluster: discovery types", () => {
  it("uses the cluster name when service_name is empty, accepts config_source self", () => {
    const c = ok(
      eds({ edsClusterConfig: { edsConfig: { configSourceSpecifier: { case: "self", value: {} } } } }),
    );
    assert.deepEqual(c.discovery, { kind: "eds", serviceName: "c" });
    assert.equal(c.maxRequests, 1024);
  });

  it("reads aggregate and logical DNS clusters (A37)", () => {
    const agg = ok({
      name: "agg",
      clusterDiscoveryType: {
        case: "clusterType",
        value: {
          name: "envoy.clusters.aggregate",
          typedConfig: pack(ClusterConfigSchema, { clusters: ["a", "b"] }),
        },
      },
    });
    assert.deepEqual(agg.discovery, { kind: "aggregate", clusters: ["a", "b"] });
    const dns = ok({
      name: "dns",
      clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.LOGICAL_DNS },
      loadAssignment: {
        endpoints: [
          {
            lbEndpoints: [
              {
                hostIdentifier: {
                  case: "endpoint",
                  value: {
                    address: {
                      address: {
                        case: "socketAddress",
                        value: {
                          address: "api.example.com",
                          portSpecifier: { case: "portValue", value: 443 },
                        },
                      },
                    },
                  },
                },
              },
            ],
          },
        ],
      },
    });
    assert.deepEqual(dns.discovery, { kind: "logical_dns", address: { host: "api.example.com", port: 443 } });
  });

  it("takes max_requests from the DEFAULT priority only", () => {
    const c = ok(
      eds({
        circuitBreakers: {
          thresholds: [
            { priority: RoutingPriority.HIGH, maxRequests: 5 },
            { priority: RoutingPriority.DEFAULT },
          ],
        },
      }),
    );
    assert.equal(c.maxRequests, 1024);
  });
});

describe("Cluster: load balancing", () => {
  it("maps lb_policy LEAST_REQUEST and RING_HASH", () => {
    assert.deepEqual(ok(eds({ lbPolicy: Cluster_LbPolicy.LEAST_REQUEST })).lbPolicy, {
      kind: "wrr_locality",
      childPolicy: { kind: "least_request", choiceCount: 2 },
    });
    assert.deepEqual(
      ok(
        eds({
          lbPolicy: Cluster_LbPolicy.LEAST_REQUEST,
          lbConfig: { case: "leastRequestLbConfig", value: { choiceCount: 50 } },
        }),
      ).lbPolicy,
      { kind: "wrr_locality", childPolicy: { kind: "least_request", choiceCount: 10 } },
    );
    assert.deepEqual(ok(eds({ lbPolicy: Cluster_LbPolicy.RING_HASH })).lbPolicy, {
      kind: "ring_hash",
      minRingSize: 1024,
      maxRingSize: 8_388_608,
    });
    assert.deepEqual(
      ok(
        eds({
          lbPolicy: Cluster_LbPolicy.RING_HASH,
          lbConfig: { case: "ringHashLbConfig", value: { minimumRingSize: 64n, maximumRingSize: 4096n } },
        }),
      ).lbPolicy,
      { kind: "ring_hash", minRingSize: 64, maxRingSize: 4096 },
    );
  });

  it("picks the first supported load_balancing_policy (A52), through wrappers", () => {
    const unknown = pack(TypedStructSchema, { typeUrl: "type.googleapis.com/my.custom.Policy", value: {} });
    const c = ok(
      eds({
        lbPolicy: Cluster_LbPolicy.MAGLEV,
        loadBalancingPolicy: policy(
          unknown,
          pack(WrrLocalitySchema, { endpointPickingPolicy: policy(unknown, pack(RoundRobinSchema, {})) }),
          pack(PickFirstSchema, {}),
        ),
      }),
    );
    assert.deepEqual(c.lbPolicy, { kind: "wrr_locality", childPolicy: { kind: "round_robin" } });
    assert.deepEqual(
      ok(eds({ loadBalancingPolicy: policy(pack(PickFirstSchema, { shuffleAddressList: true })) })).lbPolicy,
      {
        kind: "pick_first",
        shuffleAddressList: true,
      },
    );
    assert.deepEqual(
      ok(eds({ loadBalancingPolicy: policy(pack(LeastRequestSchema, { choiceCount: 3 })) })).lbPolicy,
      {
        kind: "least_request",
        choiceCount: 3,
      },
    );
    assert.deepEqual(
      ok(eds({ loadBalancingPolicy: policy(pack(RingHashSchema, { maximumRingSize: 2048n })) })).lbPolicy,
      {
        kind: "ring_hash",
        minRingSize: 1024,
        maxRingSize: 2048,
      },
    );
    assert.deepEqual(
      ok(
        eds({
          loadBalancingPolicy: policy(
            pack(ClientSideWeightedRoundRobinSchema, { weightUpdatePeriod: { nanos: 10_000_000 } }),
          ),
        }),
      ).lbPolicy,
      {
        kind: "weighted_round_robin",
        enableOobLoadReport: false,
        oobReportingPeriodMs: 10_000,
        blackoutPeriodMs: 10_000,
        weightExpirationPeriodMs: 180_000,
        weightUpdatePeriodMs: 100,
        errorUtilizationPenalty: 1,
      },
    );
  });
});

describe("Cluster: outlier detection (A50)", () => {
  it("fills gRPC's defaults", () => {
    const c = ok(eds({ outlierDetection: {} }));
    assert.deepEqual(c.outlierDetection, {
      intervalMs: 10_000,
      baseEjectionTimeMs: 30_000,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 10,
      successRateEjection: {
        stdevFactor: 1900,
        enforcementPercentage: 100,
        minimumHosts: 5,
        requestVolume: 100,
      },
      consecutive5xx: { threshold: 5, enforcementPercentage: 100 },
      consecutiveGatewayFailure: { threshold: 5, enforcementPercentage: 0 },
    });
  });

  it("switches success rate off and failure percentage on as configured", () => {
    const c = ok(
      eds({
        outlierDetection: {
          interval: { seconds: 1n },
          baseEjectionTime: { seconds: 600n },
          consecutive5xx: 3,
          enforcingSuccessRate: 0,
          enforcingFailurePercentage: 50,
          failurePercentageThreshold: 20,
          failurePercentageRequestVolume: 10,
        },
      }),
    );
    assert.equal(c.outlierDetection?.successRateEjection, undefined);
    assert.equal(c.outlierDetection?.maxEjectionTimeMs, 600_000);
    assert.deepEqual(c.outlierDetection?.failurePercentageEjection, {
      threshold: 20,
      enforcementPercentage: 50,
      minimumHosts: 5,
      requestVolume: 10,
    });
    assert.deepEqual(c.outlierDetection?.consecutive5xx, { threshold: 3, enforcementPercentage: 100 });
  });
});

describe("Cluster: invalid resources name the field", () => {
  const tlsNoCa = {
    name: "envoy.transport_sockets.tls",
    configType: {
      case: "typedConfig" as const,
      value: pack(UpstreamTlsContextSchema, {
        commonTlsContext: { tlsCertificateProviderInstance: { instanceName: "default" } },
      }),
    },
  };
  const cases: [string, ClusterInit, RegExp, string[]?][] = [
    ["an unset (STATIC) type", { name: "c" }, /^Cluster "c": type: STATIC is not supported/],
    [
      "EDS without eds_cluster_config",
      { name: "c", clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.EDS } },
      /^Cluster "c": eds_cluster_config: is required for type EDS$/,
    ],
    [
      "EDS from a non-ADS source",
      eds({ edsClusterConfig: { edsConfig: { configSourceSpecifier: { case: "path", value: "/x" } } } }),
      /^Cluster "c": eds_cluster_config\.eds_config: must be ads or self, got path$/,
    ],
    [
      "an xdstp cluster without service_name",
      eds({ name: "xdstp://a/envoy.config.cluster.v3.Cluster/c" }),
      /eds_cluster_config\.service_name: is required when the cluster name is an xdstp:\/\/ name/,
    ],
    [
      "lb_policy RANDOM",
      eds({ lbPolicy: Cluster_LbPolicy.RANDOM }),
      /^Cluster "c": lb_policy: RANDOM is not supported and load_balancing_policy is not set$/,
    ],
    [
      "a ring bigger than 8M",
      eds({
        lbPolicy: Cluster_LbPolicy.RING_HASH,
        lbConfig: { case: "ringHashLbConfig", value: { maximumRingSize: 8_388_609n } },
      }),
      /ring_hash_lb_config\.maximum_ring_size: must be at most 8388608/,
    ],
    [
      "MURMUR_HASH_2",
      eds({
        lbPolicy: Cluster_LbPolicy.RING_HASH,
        lbConfig: {
          case: "ringHashLbConfig",
          value: { hashFunction: Cluster_RingHashLbConfig_HashFunction.MURMUR_HASH_2 },
        },
      }),
      /ring_hash_lb_config\.hash_function: only XX_HASH is supported/,
    ],
    [
      "min ring above max ring",
      eds({
        loadBalancingPolicy: policy(pack(RingHashSchema, { minimumRingSize: 4096n, maximumRingSize: 1024n })),
      }),
      /load_balancing_policy\.policies\[0\]\.typed_extension_config\.typed_config\.minimum_ring_size: must not exceed maximum_ring_size/,
    ],
    [
      "choice_count 1",
      eds({ loadBalancingPolicy: policy(pack(LeastRequestSchema, { choiceCount: 1 })) }),
      /typed_config\.choice_count: must be at least 2/,
    ],
    [
      "a load_balancing_policy with nothing supported",
      eds({
        loadBalancingPolicy: policy(
          create(AnySchema, {
            typeUrl: "type.googleapis.com/envoy.extensions.load_balancing_policies.maglev.v3.Maglev",
          }),
        ),
      }),
      /^Cluster "c": load_balancing_policy: no supported policy in the list \(envoy\.extensions\.load_balancing_policies\.maglev\.v3\.Maglev\)$/,
    ],
    [
      "a percentage above 100",
      eds({ outlierDetection: { maxEjectionPercent: 101 } }),
      /outlier_detection\.max_ejection_percent: must be a percentage/,
    ],
    [
      "a negative ejection time",
      eds({ outlierDetection: { baseEjectionTime: { seconds: -5n } } }),
      /outlier_detection\.base_ejection_time: must not be negative/,
    ],
    [
      "TLS without a CA provider",
      eds({ transportSocket: tlsNoCa }),
      /transport_socket\.typed_config\.common_tls_context: no CA certificate provider/,
    ],
    [
      "TLS naming an unknown provider",
      eds({ transportSocket: tlsNoCa }),
      /common_tls_context\.tls_certificate_provider_instance\.instance_name: "default" is not a certificate provider in the bootstrap/,
      ["other"],
    ],
    [
      "an aggregate cluster with no children",
      {
        name: "c",
        clusterDiscoveryType: { case: "clusterType", value: { typedConfig: pack(ClusterConfigSchema, {}) } },
      },
      /cluster_type\.typed_config\.clusters: must not be empty/,
    ],
    [
      "LOGICAL_DNS with two endpoints",
      {
        name: "c",
        clusterDiscoveryType: { case: "type", value: Cluster_DiscoveryType.LOGICAL_DNS },
        loadAssignment: { endpoints: [{}, {}] },
      },
      /load_assignment\.endpoints: LOGICAL_DNS needs exactly one locality with exactly one endpoint/,
    ],
  ];
  for (const [name, init, expected, providers] of cases) {
    it(`rejects ${name}`, () => {
      const e = errs(init, providers);
      assert.ok(
        e.some((x) => expected.test(x)),
        e.join("\n"),
      );
      for (const x of e) assert.match(x, /^Cluster "[^"]+": /);
    });
  }
});
