// The CSDS service (envoy.service.status.v3.ClientStatusDiscoveryService) over a Triple server,
// read by our Triple client and by @grpc/grpc-js with the Envoy protos: what grpcdebug / istioctl see.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createClient, createTransport, createTripleServer, type TripleServer } from "@dubbo-mesh/triple";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ClientResourceStatus } from "../../src/gen/envoy/admin/v3/config_dump_shared_pb.js";
import { ClientStatusDiscoveryService } from "../../src/gen/envoy/service/status/v3/csds_pb.js";
import { buildBootstrap, csdsImpl, type ValidatedCluster, XdsClient } from "../../src/index.js";
import { type InprocAdsServer, startInprocAdsServer } from "./support/inproc-ads-server.js";
import { RecordingWatcher } from "./support/recording-watcher.js";
import { waitFor } from "./support/wait.js";
import { edsCluster, invalidCluster, T } from "./support/xds-json.js";

const protoDir = fileURLToPath(new URL("../../proto", import.meta.url));

describe("CSDS", () => {
  let ads: InprocAdsServer;
  let client: XdsClient;
  let server: TripleServer;
  let port: number;

  before(async () => {
    ads = await startInprocAdsServer();
    client = new XdsClient({
      bootstrap: buildBootstrap({ serverUri: `127.0.0.1:${ads.port}`, nodeId: "csds-node" }),
      resourceTimeoutMs: 300,
      logger: { warn() {}, info() {} },
    });
    ads.setSnapshot("csds-node", "v1", [edsCluster("ok"), edsCluster("bad")]);
    const ok = new RecordingWatcher<ValidatedCluster>();
    const bad = new RecordingWatcher<ValidatedCluster>();
    const missing = new RecordingWatcher<ValidatedCluster>();
    client.watch("Cluster", "ok", ok);
    client.watch("Cluster", "bad", bad);
    client.watch("Cluster", "missing", missing);
    await waitFor("v1", () => ok.last && bad.last);
    ads.setSnapshot("csds-node", "v2", [edsCluster("ok"), invalidCluster("bad")]);
    await waitFor(
      "the NACK and the timeout",
      () => bad.count("error") > 0 && missing.count("does_not_exist") > 0,
    );
    server = createTripleServer().register(ClientStatusDiscoveryService, csdsImpl(client));
    port = (await server.listen({ host: "127.0.0.1", port: 0 })).port;
  });
  after(async () => {
    await client.close();
    await server.close({ graceMs: 0 });
    await ads.stop();
  });

  it("serves every resource with its client status over our Triple client (unary and stream)", async () => {
    const transport = createTransport({ baseUrl: `http://127.0.0.1:${port}` });
    const csds = createClient(ClientStatusDiscoveryService, transport);
    const res = await csds.fetchClientStatus({});
    assert.equal(res.config.length, 1);
    const config = res.config[0];
    assert.equal(config.node?.id, "csds-node");
    const byName = new Map(config.genericXdsConfigs.map((g) => [g.name, g]));
    assert.equal(byName.get("ok")?.clientStatus, ClientResourceStatus.ACKED);
    assert.equal(byName.get("ok")?.typeUrl, T.cluster);
    assert.equal(byName.get("ok")?.versionInfo, "v2");
    assert.equal(byName.get("ok")?.xdsConfig?.typeUrl, T.cluster);
    assert.ok(byName.get("ok")?.lastUpdated !== undefined);
    assert.equal(byName.get("bad")?.clientStatus, ClientResourceStatus.NACKED);
    assert.equal(byName.get("bad")?.versionInfo, "v1");
    assert.equal(byName.get("bad")?.errorState?.versionInfo, "v2");
    assert.match(byName.get("bad")?.errorState?.details ?? "", /STATIC/);
    assert.equal(byName.get("missing")?.clientStatus, ClientResourceStatus.DOES_NOT_EXIST);

    async function* twice() {
      yield {};
      yield { excludeResourceContents: true };
    }
    const answers = [];
    for await (const r of csds.streamClientStatus(twice())) answers.push(r);
    assert.equal(answers.length, 2);
    assert.ok(answers[0].config[0].genericXdsConfigs.some((g) => g.xdsConfig !== undefined));
    assert.ok(answers[1].config[0].genericXdsConfigs.every((g) => g.xdsConfig === undefined));
    await transport.close();
  });

  it("is readable by @grpc/grpc-js with Envoy's csds.proto", async () => {
    const def = protoLoader.loadSync("envoy/service/status/v3/csds.proto", {
      includeDirs: [protoDir],
      keepCase: true,
      enums: String,
      defaults: true,
    });
    const pkg = grpc.loadPackageDefinition(def) as unknown as {
      envoy: { service: { status: { v3: { ClientStatusDiscoveryService: grpc.ServiceClientConstructor } } } };
    };
    const Ctor = pkg.envoy.service.status.v3.ClientStatusDiscoveryService;
    const c = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const res = await new Promise<{
        config: { generic_xds_configs: { name: string; client_status: string }[] }[];
      }>((resolve, reject) =>
        c.FetchClientStatus({}, (err: grpc.ServiceError | null, value: never) =>
          err ? reject(err) : resolve(value),
        ),
      );
      const statuses = Object.fromEntries(
        res.config[0].generic_xds_configs.map((g) => [g.name, g.client_status]),
      );
      assert.deepEqual(statuses, { ok: "ACKED", bad: "NACKED", missing: "DOES_NOT_EXIST" });
    } finally {
      c.close();
    }
  });
});
