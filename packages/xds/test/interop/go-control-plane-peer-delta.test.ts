// The go-control-plane peer also serves incremental (delta) ADS, which grpc-js-xds does not speak.
// This drives DeltaAggregatedResources by hand with grpc-js over Envoy's own .proto files (the copies
// grpc-js-xds ships), to prove the peer's delta side and its delta request log before our client
// relies on them: subscribe, ACK, update, NACK, removal.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import {
  type DeltaRequestRecord,
  type GoXdsServer,
  startGoXdsServer,
} from "../../../../interop/go/xds-server.js";

const NODE_ID = "delta-node";
const CDS = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
const EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

interface DeltaRequest {
  node?: { id: string; locality: Record<string, never> };
  type_url: string;
  resource_names_subscribe?: string[];
  response_nonce?: string;
  error_detail?: { code: number; message: string };
}
interface DeltaResponse {
  type_url: string;
  system_version_info: string;
  nonce: string;
  resources: Array<{ name: string; version: string }>;
  removed_resources: string[];
}
type DeltaStream = grpc.ClientDuplexStream<DeltaRequest, DeltaResponse>;
interface AdsClient extends grpc.Client {
  DeltaAggregatedResources(): DeltaStream;
}

function loadAds(): new (address: string, creds: grpc.ChannelCredentials) => AdsClient {
  const deps = join(
    dirname(createRequire(import.meta.url).resolve("@grpc/grpc-js-xds/package.json")),
    "deps",
  );
  const def = protoLoader.loadSync("envoy/service/discovery/v3/ads.proto", {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    includeDirs: ["envoy-api", "xds", "googleapis", "protoc-gen-validate"].map((d) => join(deps, d)),
  });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    envoy: { service: { discovery: { v3: { AggregatedDiscoveryService: grpc.ServiceClientConstructor } } } };
  };
  return pkg.envoy.service.discovery.v3.AggregatedDiscoveryService as unknown as new (
    address: string,
    creds: grpc.ChannelCredentials,
  ) => AdsClient;
}

/** Hands out a stream's responses one at a time, failing instead of hanging if none comes. */
function responsesOf(stream: DeltaStream): () => Promise<DeltaResponse> {
  const queued: DeltaResponse[] = [];
  const waiting: Array<(r: DeltaResponse) => void> = [];
  let failure: Error | undefined;
  stream.on("data", (r: DeltaResponse) => {
    const w = waiting.shift();
    if (w) w(r);
    else queued.push(r);
  });
  stream.on("error", (e: Error) => {
    failure = e;
  });
  return () => {
    const r = queued.shift();
    if (r) return Promise.resolve(r);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no delta response within 20 s")), 20_000);
      waiting.push((res) => {
        clearTimeout(timer);
        resolve(res);
      });
    });
  };
}

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

function cluster(lbPolicy: string): object {
  return {
    "@type": CDS,
    name: "greeter",
    type: "EDS",
    edsClusterConfig: { edsConfig: { ads: {} } },
    lbPolicy,
  };
}

const endpoints = { "@type": EDS, clusterName: "greeter", endpoints: [] };

describe("go-control-plane xDS server over delta ADS", () => {
  let xds: GoXdsServer;
  let client: AdsClient;

  before(async () => {
    xds = await startGoXdsServer();
    await xds.setSnapshot(NODE_ID, "v1", [cluster("ROUND_ROBIN"), endpoints]);
    const Ads = loadAds();
    client = new Ads(`127.0.0.1:${xds.port}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await xds?.stop();
  });

  it("answers subscribe, update and removal, records ACK and NACK, and counts the stream", async () => {
    const stream = client.DeltaAggregatedResources();
    const next = responsesOf(stream);

    stream.write({
      node: { id: NODE_ID, locality: {} },
      type_url: CDS,
      resource_names_subscribe: ["greeter"],
    });
    const first = await next();
    assert.equal(first.type_url, CDS);
    assert.equal(first.system_version_info, "v1");
    assert.deepEqual(
      first.resources.map((r) => r.name),
      ["greeter"],
    );
    assert.notEqual(first.nonce, "");
    stream.write({ type_url: CDS, response_nonce: first.nonce }); // ACK

    // A changed cluster comes as a new resource version; the test NACKs it.
    await xds.setSnapshot(NODE_ID, "v2", [cluster("RING_HASH"), endpoints]);
    const update = await next();
    assert.equal(update.system_version_info, "v2");
    assert.deepEqual(
      update.resources.map((r) => r.name),
      ["greeter"],
    );
    assert.notEqual(update.resources[0].version, first.resources[0].version);
    stream.write({
      type_url: CDS,
      response_nonce: update.nonce,
      error_detail: { code: 3, message: "test says no" },
    });

    // A snapshot without the cluster removes it.
    await xds.setSnapshot(NODE_ID, "v3", [endpoints]);
    const removal = await next();
    assert.deepEqual(removal.resources, []);
    assert.deepEqual(removal.removed_resources, ["greeter"]);
    stream.write({ type_url: CDS, response_nonce: removal.nonce });

    const records = await eventually(async () => {
      const all = await xds.requests(NODE_ID);
      assert.equal(all.length, 4);
      return all as DeltaRequestRecord[];
    });
    assert.ok(records.every((r) => r.stream === "delta" && r.ads && r.typeUrl === CDS));
    assert.equal(records[0].node?.id, NODE_ID);
    assert.deepEqual(records[0].subscribe, ["greeter"]);
    assert.deepEqual(records[0].initialResourceVersions, {});
    assert.equal(records[0].responseNonce, "");
    assert.ok(records.slice(1).every((r) => r.node === null && r.subscribe.length === 0));
    assert.deepEqual(
      records.map((r) => r.responseNonce),
      ["", first.nonce, update.nonce, removal.nonce],
    );
    assert.deepEqual(
      records.map((r) => r.errorDetail),
      [null, null, { code: 3, message: "test says no" }, null],
    );

    const sent = await xds.responses(NODE_ID);
    assert.deepEqual(
      sent.map((r) => [r.stream, r.nonce, r.versionInfo, r.resources, r.removedResources]),
      [
        ["delta", first.nonce, "v1", ["greeter"], []],
        ["delta", update.nonce, "v2", ["greeter"], []],
        ["delta", removal.nonce, "v3", [], ["greeter"]],
      ],
    );

    assert.equal(await xds.connections(), 1);
    stream.end();
    stream.cancel();
    await eventually(async () => assert.equal(await xds.connections(), 0));
  });
});
