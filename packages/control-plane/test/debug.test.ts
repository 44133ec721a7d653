import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "../src/control-plane.js";
import { TypeUrl } from "../src/translate/translator.js";
import { AdsTestClient } from "./support/ads-client.js";
import { GREETER_ENDPOINTS } from "./support/mesh-fixture.js";
import { waitFor } from "./support/wait.js";

describe("debug endpoints and metrics", () => {
  const dir = mkdtempSync(join(tmpdir(), "cp-debug-"));
  let cp: ControlPlane;
  let base: string;
  let httpBase: string;
  let client: AdsTestClient;

  before(async () => {
    writeFileSync(join(dir, "greeter.yaml"), GREETER_ENDPOINTS);
    writeFileSync(
      join(dir, "bad.yaml"),
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: 5\n",
    );
    cp = new ControlPlane({ configDir: dir, httpPort: 0, debounce: { quietMs: 10 } });
    const addr = await cp.start();
    base = `http://127.0.0.1:${addr.port}`;
    httpBase = `http://127.0.0.1:${addr.httpPort}`;
    client = new AdsTestClient(base, { id: "c1", metadata: { NAMESPACE: "demo" }, locality: {} });
    const name = "outbound|50051||greeter.demo.svc.cluster.local";
    client.subscribe(TypeUrl.clusterLoadAssignment, [name]);
    client.ack(await client.next(TypeUrl.clusterLoadAssignment), [name]);
  });
  after(async () => {
    await client.close();
    await cp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("/debug/configz lists resources with their source and the rejected files", async () => {
    const body = (await (await fetch(`${base}/debug/configz`)).json()) as {
      resources: { kind: string; metadata: { name: string }; source: { file: string; line: number } }[];
      problems: string[];
    };
    assert.deepEqual(
      body.resources.map((r) => `${r.kind}/${r.metadata.name}@${r.source.file}:${r.source.line}`).sort(),
      ["WorkloadEntry/greeter-v1@greeter.yaml:1", "WorkloadEntry/greeter-v2@greeter.yaml:11"],
    );
    assert.deepEqual(body.problems, ["bad.yaml:5:10: error: spec.hosts: must be a list, got a number"]);
  });

  it("/debug/registryz shows services and endpoints; the separate HTTP port serves the same", async () => {
    for (const b of [base, httpBase]) {
      const body = (await (await fetch(`${b}/debug/registryz`)).json()) as {
        host: string;
        endpoints: Record<string, { address: string }[]>;
      }[];
      const greeter = body.find((s) => s.host === "greeter.demo.svc.cluster.local");
      assert.deepEqual(
        greeter?.endpoints["50051"].map((e) => e.address),
        ["10.0.0.1:50051", "10.0.0.2:50051"],
      );
    }
  });

  it("/metrics has istiod's metric names", async () => {
    await waitFor("an ACK", () => cp.ads.connections.size === 1);
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const m of [
      "pilot_xds 1",
      'pilot_xds_pushes{type="eds"} 1',
      "pilot_xds_push_time",
      "pilot_proxy_convergence_time",
      "pilot_total_xds_rejects",
      "dubbo_mesh_config_problems 1",
    ])
      assert.ok(text.includes(m), m);
  });

  it("/debug/adsz?push=true triggers a full push; /debug lists the endpoints", async () => {
    const before = cp.ads.pushes.length;
    await fetch(`${base}/debug/adsz?push=true`);
    await waitFor("the push", () => cp.ads.pushes.length > before);
    assert.equal(cp.ads.pushes.at(-1)?.reasons[0], "debug push");
    const index = (await (await fetch(`${base}/debug`)).json()) as { endpoints: string[] };
    assert.deepEqual(index.endpoints, [
      "/debug",
      "/debug/adsz",
      "/debug/configz",
      "/debug/pushz",
      "/debug/registryz",
      "/debug/syncz",
    ]);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });
});
