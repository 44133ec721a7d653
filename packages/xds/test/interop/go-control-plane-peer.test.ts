// The go-control-plane server in interop/go is the "any xDS control plane" peer of our xDS client.
// Before our client is tested against it, this proves the peer itself speaks xDS correctly to a
// client we did not write: @grpc/grpc-js-xds resolves xds:///greeter.test:50051 through it, calls a
// real grpc-js server, and its ACKs and NACKs show up in the peer's request log as the protocol says.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import {
  type GoXdsServer,
  type SotwRequestRecord,
  startGoXdsServer,
  type XdsRequestRecord,
} from "../../../../interop/go/xds-server.js";

const NODE_ID = "grpc-js-xds-peer";
const TARGET = "greeter.test:50051";
const LDS = "type.googleapis.com/envoy.config.listener.v3.Listener";
const RDS = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
const CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
const EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
const TYPES = [LDS, RDS, CDS, EDS];

// ---- the resource chain grpc-js-xds walks: LDS -> RDS -> CDS -> EDS ----

function listener(): object {
  return {
    "@type": LDS,
    name: TARGET,
    apiListener: {
      apiListener: {
        "@type":
          "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        rds: { routeConfigName: "greeter-route", configSource: { ads: {}, resourceApiVersion: "V3" } },
        httpFilters: [
          {
            name: "envoy.filters.http.router",
            typedConfig: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" },
          },
        ],
      },
    },
  };
}

function routeConfiguration(): object {
  return {
    "@type": RDS,
    name: "greeter-route",
    virtualHosts: [
      {
        name: "greeter",
        // grpc-js-xds matches the authority with its port: without "host:port" it never resolves.
        domains: ["greeter.test", TARGET],
        routes: [{ match: { prefix: "" }, route: { cluster: "greeter" } }],
      },
    ],
  };
}

function cluster(lbPolicy = "ROUND_ROBIN"): object {
  return {
    "@type": CDS,
    name: "greeter",
    type: "EDS",
    edsClusterConfig: { edsConfig: { ads: {}, resourceApiVersion: "V3" } },
    lbPolicy,
  };
}

function endpoints(port: number): object {
  return {
    "@type": EDS,
    clusterName: "greeter",
    endpoints: [
      {
        locality: { region: "test" },
        // grpc-js-xds drops localities without a weight, and with them every endpoint.
        loadBalancingWeight: 1,
        lbEndpoints: [
          {
            endpoint: { address: { socketAddress: { address: "127.0.0.1", portValue: port } } },
            healthStatus: "HEALTHY",
          },
        ],
      },
    ],
  };
}

// ---- greet.v1 over grpc-js ----

interface GreetResponse {
  greeting: string;
}
interface GreetClient extends grpc.Client {
  greet(
    req: { name: string },
    md: grpc.Metadata,
    options: grpc.CallOptions,
    cb: grpc.requestCallback<GreetResponse>,
  ): grpc.ClientUnaryCall;
}
type GreetClientCtor = new (address: string, creds: grpc.ChannelCredentials) => GreetClient;

function loadGreet(): { Client: GreetClientCtor; service: grpc.ServiceDefinition } {
  const protoPath = fileURLToPath(new URL("../../../../proto/greet/v1/greet.proto", import.meta.url));
  const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, { keepCase: true, defaults: true }));
  const ctor = ((pkg.greet as grpc.GrpcObject).v1 as grpc.GrpcObject)
    .GreetService as grpc.ServiceClientConstructor;
  return { Client: ctor as unknown as GreetClientCtor, service: ctor.service };
}

function greet(client: GreetClient, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // A deadline well past the 15 s does-not-exist timer would hide nothing; this one only bounds a hang.
    const deadline = new Date(Date.now() + 20_000);
    client.greet({ name }, new grpc.Metadata(), { deadline }, (error, res) =>
      error ? reject(error) : resolve(res?.greeting ?? ""),
    );
  });
}

async function startBackend(service: grpc.ServiceDefinition): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService(service, {
    greet: (
      call: grpc.ServerUnaryCall<{ name: string }, GreetResponse>,
      cb: grpc.sendUnaryData<GreetResponse>,
    ) => cb(null, { greeting: `hello ${call.request.name}` }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return { port, server };
}

/** Retries an assertion until it holds: the client's next request may still be on its way. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function sotw(records: XdsRequestRecord[]): SotwRequestRecord[] {
  return records.filter((r): r is SotwRequestRecord => r.stream === "sotw");
}

describe("go-control-plane xDS server with @grpc/grpc-js-xds as the client", () => {
  let xds: GoXdsServer;
  let backend: { port: number; server: grpc.Server };
  let client: GreetClient;

  before(async () => {
    const greetDef = loadGreet();
    [xds, backend] = await Promise.all([startGoXdsServer(), startBackend(greetDef.service)]);
    // grpc-js-xds reads its bootstrap once, lazily; set it before the package is loaded at all.
    process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
      xds_servers: [
        {
          server_uri: `127.0.0.1:${xds.port}`,
          channel_creds: [{ type: "insecure" }],
          server_features: ["xds_v3"],
        },
      ],
      node: { id: NODE_ID, locality: {} },
    });
    const { register } = await import("@grpc/grpc-js-xds");
    register();
    // The default snapshot ("*"): the node gets it when its first request arrives.
    await xds.setSnapshot("*", "v1", [listener(), routeConfiguration(), cluster(), endpoints(backend.port)]);
    client = new greetDef.Client(`xds:///${TARGET}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await xds?.stop();
    backend?.server.forceShutdown();
  });

  it("resolves and calls through LDS, RDS, CDS and EDS, and ACKs each type", async () => {
    assert.equal(await greet(client, "xds"), "hello xds");

    const records = await eventually(async () => {
      const all = sotw(await xds.requests(NODE_ID));
      for (const type of TYPES) assert.ok(all.some((r) => r.typeUrl === type && r.versionInfo === "v1"));
      return all;
    });
    const responses = await xds.responses(NODE_ID);

    assert.ok(records.every((r) => r.ads && r.nodeId === NODE_ID));
    assert.ok(
      records.every((r) => r.errorDetail === null),
      "no NACK of a valid snapshot",
    );
    // The node travels on the stream's first request only.
    assert.equal(records[0].node?.id, NODE_ID);
    assert.deepEqual(records[0].node?.locality, {});
    assert.ok(records.slice(1).every((r) => r.node === null));

    for (const type of TYPES) {
      const ofType = records.filter((r) => r.typeUrl === type);
      // The subscription: no version yet, no nonce.
      assert.equal(ofType[0].versionInfo, "");
      assert.equal(ofType[0].responseNonce, "");
      assert.equal(ofType[0].resourceNames.length, 1);
      // The ACK: the snapshot's version, and the nonce of the response it acknowledges.
      const ack = ofType.find((r) => r.versionInfo === "v1");
      const sent = responses.find((r) => r.typeUrl === type && r.versionInfo === "v1");
      assert.ok(ack && sent, `ACK and response for ${type}`);
      assert.notEqual(sent.nonce, "");
      assert.equal(ack.responseNonce, sent.nonce);
      assert.deepEqual(ack.resourceNames, ofType[0].resourceNames);
      assert.deepEqual(sent.resources, ofType[0].resourceNames);
    }
    assert.deepEqual(
      TYPES.map((type) => records.find((r) => r.typeUrl === type)?.resourceNames[0]),
      [TARGET, "greeter-route", "greeter", "greeter"],
    );
    assert.equal(await xds.connections(), 1);
  });

  it("records a NACK with error_detail, keeps the last good cluster and does not resend the rejected one", async () => {
    // grpc-js-xds supports only ROUND_ROBIN and RING_HASH as lb_policy: this cluster is invalid.
    await xds.setSnapshot(NODE_ID, "v2", [
      listener(),
      routeConfiguration(),
      cluster("LEAST_REQUEST"),
      endpoints(backend.port),
    ]);
    const nack = await eventually(async () => {
      const found = sotw(await xds.requests(NODE_ID)).find((r) => r.errorDetail !== null);
      assert.ok(found);
      return found;
    });
    const sentV2 = (await xds.responses(NODE_ID)).find((r) => r.typeUrl === CDS && r.versionInfo === "v2");
    assert.equal(nack.typeUrl, CDS);
    assert.equal(nack.versionInfo, "v1", "a NACK carries the last accepted version");
    assert.equal(nack.responseNonce, sentV2?.nonce);
    assert.match(nack.errorDetail?.message ?? "", /LEAST_REQUEST/);
    assert.equal(nack.node, null);
    // The other types of v2 are valid and ACKed.
    await eventually(async () => {
      const records = sotw(await xds.requests(NODE_ID));
      for (const type of [LDS, RDS, EDS]) {
        assert.ok(
          records.some((r) => r.typeUrl === type && r.versionInfo === "v2" && r.errorDetail === null),
        );
      }
    });
    // grpc-js-xds keeps using the cluster it accepted before.
    assert.equal(await greet(client, "after-nack"), "hello after-nack");

    await xds.setSnapshot(NODE_ID, "v3", [
      listener(),
      routeConfiguration(),
      cluster(),
      endpoints(backend.port),
    ]);
    await eventually(async () => {
      const records = sotw(await xds.requests(NODE_ID));
      assert.ok(records.some((r) => r.typeUrl === CDS && r.versionInfo === "v3" && r.errorDetail === null));
    });
    // The stream handles one message at a time, so had the NACK made the server resend v2, that
    // response (and a second NACK) would be logged before v3 was ACKed.
    const cdsV2 = (await xds.responses(NODE_ID)).filter((r) => r.typeUrl === CDS && r.versionInfo === "v2");
    assert.equal(cdsV2.length, 1);
    assert.equal(sotw(await xds.requests(NODE_ID)).filter((r) => r.errorDetail !== null).length, 1);
    assert.equal(await greet(client, "v3"), "hello v3");
  });

  it("comes back on the same port after restart() with the snapshots re-applied, and the client reconnects", async () => {
    await xds.restart();
    const records = await eventually(async () => {
      const all = sotw(await xds.requests(NODE_ID));
      for (const type of TYPES) assert.ok(all.some((r) => r.typeUrl === type && r.versionInfo === "v3"));
      return all;
    });
    // A new process, so a new log: it starts with the reconnected stream's first request, node and all.
    assert.equal(records[0].node?.id, NODE_ID);
    assert.ok(records.slice(1).every((r) => r.node === null));
    assert.ok(records.every((r) => r.errorDetail === null));
    assert.equal(await xds.connections(), 1);
    assert.equal(await greet(client, "reconnected"), "hello reconnected");
  });

  it("rejects a snapshot with an unknown field, an unknown @type or no version with the decoder's error", async () => {
    await assert.rejects(
      xds.setSnapshot("*", "bad", [{ ...cluster(), bogusField: 1 }]),
      /HTTP 400: .*unknown field "bogusField"/,
    );
    await assert.rejects(
      xds.setSnapshot("*", "bad", [{ "@type": "type.googleapis.com/envoy.config.core.v3.Nope" }]),
      /HTTP 400: .*unable to resolve/,
    );
    await assert.rejects(xds.setSnapshot("*", "", [cluster()]), /HTTP 400: .*version is required/);
    // A dangling reference is not an error: consistency is the client's business.
    await xds.setSnapshot("dangling-node", "d1", [routeConfiguration()]);
  });
});
