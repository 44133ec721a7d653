import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "../src/control-plane.js";

const TOKEN = "s3cret";

const wr = (name: string, address: string) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "WorkloadEntry",
  metadata: { name, namespace: "demo" },
  spec: { address, labels: { app: "greeter", version: "v1" }, ports: { grpc: 50051 } },
});

describe("config HTTP API (on the xDS port)", () => {
  const dir = mkdtempSync(join(tmpdir(), "cp-api-"));
  let cp: ControlPlane;
  let base: string;

  before(async () => {
    writeFileSync(
      join(dir, "mesh.yaml"),
      `# hand-written, keep this comment
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter, namespace: demo}
spec:
  host: greeter
---
# the VM
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm-1, namespace: demo}
spec:
  address: 10.0.0.1
`,
    );
    cp = new ControlPlane({ configDir: dir, token: TOKEN });
    const { port } = await cp.start();
    base = `http://127.0.0.1:${port}/api/v1`;
  });
  after(async () => {
    await cp.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = { authorization: `Bearer ${TOKEN}` };
  const json = { "content-type": "application/json", ...auth };

  it("lists and gets resources as JSON or YAML without a token", async () => {
    const list = await fetch(`${base}/destinationrules`);
    assert.equal(list.status, 200);
    const body = (await list.json()) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(
      body.items.map((i) => i.metadata.name),
      ["greeter"],
    );
    const one = await fetch(`${base}/DestinationRule/demo/greeter`, {
      headers: { accept: "application/yaml" },
    });
    assert.equal(one.headers.get("content-type"), "application/yaml");
    assert.match(await one.text(), /kind: DestinationRule/);
    assert.equal((await fetch(`${base}/destinationrules/demo/nope`)).status, 404);
    assert.equal((await fetch(`${base}/gateways`)).status, 404);
  });

  it("refuses writes without the right bearer token", async () => {
    const body = JSON.stringify(wr("vm-2", "10.0.0.2"));
    const none = await fetch(`${base}/workloadentries/demo/vm-2`, {
      method: "PUT",
      body,
      headers: { "content-type": "application/json" },
    });
    assert.equal(none.status, 401);
    const wrong = await fetch(`${base}/workloadentries/demo/vm-2`, {
      method: "PUT",
      body,
      headers: { "content-type": "application/json", authorization: "Bearer nope" },
    });
    assert.equal(wrong.status, 401);
  });

  it("creates with POST (409 when it exists) and persists to a new file", async () => {
    const created = await fetch(`${base}/workloadentries/demo/vm-2`, {
      method: "POST",
      body: JSON.stringify(wr("vm-2", "10.0.0.2")),
      headers: json,
    });
    assert.equal(created.status, 201);
    assert.equal(cp.store.snapshot().get("WorkloadEntry", "demo", "vm-2")?.spec.address, "10.0.0.2");
    assert.deepEqual(readdirSync(join(dir, "api")), ["workloadentry.demo.vm-2.yaml"]);
    const again = await fetch(`${base}/workloadentries/demo/vm-2`, {
      method: "POST",
      body: JSON.stringify(wr("vm-2", "10.0.0.2")),
      headers: json,
    });
    assert.equal(again.status, 409);
  });

  it("replaces with PUT inside the file the resource came from, keeping other documents and comments", async () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm-1}
spec:
  address: 10.0.0.9
`;
    const res = await fetch(`${base}/workloadentries/demo/vm-1`, {
      method: "PUT",
      body: yaml,
      headers: { "content-type": "application/yaml", ...auth },
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(cp.store.snapshot().get("WorkloadEntry", "demo", "vm-1")?.spec.address, "10.0.0.9");
    const file = readFileSync(join(dir, "mesh.yaml"), "utf8");
    assert.match(file, /# hand-written, keep this comment/);
    assert.match(file, /address: 10\.0\.0\.9/);
    assert.match(file, /kind: DestinationRule/);
  });

  it("rejects invalid bodies with the line and reason, and mismatched names or kinds", async () => {
    const bad =
      "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: vm-3}\nspec:\n  address: 10.0.0.3\n  weight: heavy\n";
    const res = await fetch(`${base}/workloadentries/demo/vm-3`, {
      method: "PUT",
      body: bad,
      headers: { "content-type": "application/yaml", ...auth },
    });
    assert.equal(res.status, 400);
    const err = (await res.json()) as { error: { message: string } };
    assert.match(err.error.message, /request body:6:11: error: spec\.weight: must be an integer/);
    const mismatch = await fetch(`${base}/workloadentries/demo/other`, {
      method: "PUT",
      body: JSON.stringify(wr("vm-4", "10.0.0.4")),
      headers: json,
    });
    assert.equal(mismatch.status, 400);
    const kind = await fetch(`${base}/destinationrules/demo/vm-4`, {
      method: "PUT",
      body: JSON.stringify(wr("vm-4", "10.0.0.4")),
      headers: json,
    });
    assert.match(
      ((await kind.json()) as { error: { message: string } }).error.message,
      /the body is a WorkloadEntry, but the path is for DestinationRule/,
    );
  });

  it("deletes, from the file it lives in", async () => {
    assert.equal(
      (await fetch(`${base}/workloadentries/demo/vm-1`, { method: "DELETE", headers: auth })).status,
      200,
    );
    assert.equal(cp.store.snapshot().get("WorkloadEntry", "demo", "vm-1"), undefined);
    const file = readFileSync(join(dir, "mesh.yaml"), "utf8");
    assert.doesNotMatch(file, /vm-1/);
    assert.match(file, /kind: DestinationRule/);
    assert.equal(
      (await fetch(`${base}/workloadentries/demo/vm-2`, { method: "DELETE", headers: auth })).status,
      200,
    );
    assert.deepEqual(readdirSync(join(dir, "api")), []);
    assert.equal(
      (await fetch(`${base}/workloadentries/demo/vm-2`, { method: "DELETE", headers: auth })).status,
      404,
    );
  });

  it("writes survive a restart", async () => {
    const res = await fetch(`${base}/workloadentries/demo/vm-5`, {
      method: "PUT",
      body: JSON.stringify(wr("vm-5", "10.0.0.5")),
      headers: json,
    });
    assert.equal(res.status, 201);
    const second = new ControlPlane({ configDir: dir });
    await second.start();
    try {
      assert.equal(second.store.snapshot().get("WorkloadEntry", "demo", "vm-5")?.spec.address, "10.0.0.5");
      // No token configured: writes are refused outright.
      const refused = await fetch(`http://127.0.0.1:${second.port}/api/v1/workloadentries/demo/vm-6`, {
        method: "PUT",
        body: JSON.stringify(wr("vm-6", "10.0.0.6")),
        headers: json,
      });
      assert.equal(refused.status, 403);
    } finally {
      await second.close();
    }
  });
});
