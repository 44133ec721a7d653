// An xDS-enabled gRPC server (@grpc/grpc-js-xds XdsServer) taking its inbound listener from our control
// plane, with AuthorizationPolicies turned into its RBAC filter; called by a plain grpc-js client.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "../src/control-plane.js";
import { type Child, spawnChild } from "./support/children.js";
import { waitFor } from "./support/wait.js";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const IP = "127.0.0.9";

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe("grpc-js-xds XdsServer against our control plane", { timeout: 120_000 }, () => {
  let cp: ControlPlane;
  let base: string;
  let server: Child;
  let client: InstanceType<typeof grpc.Client>;

  const call = (metadata: Record<string, string> = {}) =>
    new Promise<{ ok: boolean; code?: number; details?: string }>((resolve) => {
      const md = new grpc.Metadata();
      for (const [k, v] of Object.entries(metadata)) md.set(k, v);
      client.makeUnaryRequest(
        "/test.Echo/Whoami",
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        md,
        { deadline: Date.now() + 3000 },
        (err) => resolve(err ? { ok: false, code: err.code, details: err.details } : { ok: true }),
      );
    });

  async function policy(yaml: string | undefined) {
    const res = await fetch(`${base}/api/v1/authorizationpolicies/demo/secure`, {
      method: yaml === undefined ? "DELETE" : "PUT",
      ...(yaml === undefined ? {} : { body: yaml }),
      headers: { "content-type": "application/yaml", authorization: "Bearer t" },
    });
    assert.ok(res.status < 300, await res.text());
    await waitFor("the push", () => cp.ads.isCurrent());
  }

  before(async () => {
    cp = new ControlPlane({ token: "t", debounce: { quietMs: 10 } });
    const { port } = await cp.start();
    base = `http://127.0.0.1:${port}`;
    const serverPort = await freePort(IP);
    server = spawnChild("./xds-server.ts", {
      address: `${IP}:${serverPort}`,
      name: "secure",
      bootstrap: {
        xds_servers: [
          {
            server_uri: `127.0.0.1:${port}`,
            channel_creds: [{ type: "insecure" }],
            server_features: ["xds_v3"],
          },
        ],
        node: {
          id: "secure-1",
          locality: {},
          metadata: { GENERATOR: "grpc", NAMESPACE: "demo", LABELS: { app: "secure" }, INSTANCE_IPS: IP },
        },
        server_listener_resource_name_template: "xds.istio.io/grpc/lds/inbound/%s",
      },
    });
    await server.waitFor("serving", 60_000);
    client = new grpc.Client(`${IP}:${serverPort}`, grpc.credentials.createInsecure());
  });
  after(() => {
    client?.close();
    server?.kill();
    return cp.close();
  });

  it("serves once its inbound listener arrived; the control plane saw it ACK", async () => {
    assert.deepEqual(await call(), { ok: true });
    const conn = [...cp.ads.connections.values()].find((c) => c.node?.id === "secure-1");
    const lds = conn?.types.get("type.googleapis.com/envoy.config.listener.v3.Listener");
    assert.ok(lds !== undefined);
    assert.match([...lds.names].join(","), /^xds\.istio\.io\/grpc\/lds\/inbound\/127\.0\.0\.9:\d+$/);
    await waitFor("the ACK", () => lds.status() === "SYNCED");
  });

  it("enforces a DENY AuthorizationPolicy selecting the workload (RBAC filter)", async () => {
    await policy(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: secure, namespace: demo}
spec:
  selector:
    matchLabels: {app: secure}
  action: DENY
  rules:
  - to:
    - operation:
        paths: [/test.Echo/*]
    when:
    - key: request.headers[x-block]
      values: ["yes"]
`);
    // A listener update drains old connections; retry until the new config is in force.
    await waitFor(
      "the policy in force",
      async () => (await call({ "x-block": "yes" })).code === grpc.status.PERMISSION_DENIED,
      15_000,
      200,
    );
    assert.deepEqual(await call({ "x-block": "no" }), { ok: true });
    await policy(undefined);
    await waitFor("the policy gone", async () => (await call({ "x-block": "yes" })).ok, 15_000, 200);
  });
});
