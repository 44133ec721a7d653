// One client, one cache and one ADS stream per bootstrap in the process (istio-agent keeps only the
// newest stream of a pod, so a second one would cut the first off).
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  bootstrapToJson,
  buildBootstrap,
  closeSharedXdsClients,
  getXdsClient,
  parseBootstrap,
  type TargetConfig,
  type ValidatedCluster,
  watchTarget,
} from "../../src/index.js";
import { startInprocAdsServer } from "./support/inproc-ads-server.js";
import { RecordingWatcher } from "./support/recording-watcher.js";
import { waitFor } from "./support/wait.js";
import { edsCluster, endpoints, listener, routeConfig } from "./support/xds-json.js";

describe("getXdsClient", () => {
  after(() => closeSharedXdsClients());

  it("shares one client per bootstrap, and every watch rides one ADS stream", async () => {
    const server = await startInprocAdsServer();
    try {
      const bootstrap = buildBootstrap({ serverUri: `127.0.0.1:${server.port}`, nodeId: "shared" });
      const again = parseBootstrap(JSON.stringify(bootstrapToJson(bootstrap)));
      const client = getXdsClient(bootstrap, { logger: { warn() {}, info() {} } });
      assert.equal(getXdsClient(again), client);
      const other = getXdsClient(buildBootstrap({ serverUri: `127.0.0.1:${server.port}`, nodeId: "other" }));
      assert.notEqual(other, client);

      server.setSnapshot("shared", "v1", [
        listener("a:80", "r"),
        listener("b:80", "r"),
        routeConfig("r", ["a:80", "b:80"], [{ cluster: "c" }]),
        edsCluster("c"),
        endpoints("c", [{ addresses: ["10.0.0.1:80"] }]),
      ]);
      const configs: TargetConfig[] = [];
      const onUpdate = (c: TargetConfig) => configs.push(c);
      watchTarget(client, "a:80", { onUpdate });
      watchTarget(getXdsClient(again), "b:80", { onUpdate });
      const w = new RecordingWatcher<ValidatedCluster>();
      client.watch("Cluster", "c", w);
      await waitFor("both targets", () => new Set(configs.map((c) => c.target)).size === 2);
      await waitFor("the cluster", () => w.last);
      assert.equal(server.connections(), 1);
      assert.equal(client.streamsOpened, 1);

      await closeSharedXdsClients();
      assert.equal(client.closed, true);
      assert.notEqual(getXdsClient(bootstrap), client);
    } finally {
      await closeSharedXdsClients();
      await server.stop();
    }
  });
});
