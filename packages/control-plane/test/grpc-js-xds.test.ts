// Our control plane against a real xDS client: @grpc/grpc-js-xds, each scenario in its own process
// (its bootstrap is process-global), calling our Triple servers through `xds:///` targets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "../src/control-plane.js";
import { TypeUrl } from "../src/translate/translator.js";
import { AdsTestClient } from "./support/ads-client.js";
import { type Backend, startBackend } from "./support/backend.js";
import { spawnChild } from "./support/children.js";
import { waitFor } from "./support/wait.js";

const TOKEN = "e2e";

interface CallLine {
  i: number;
  ok: boolean;
  server?: string;
  code?: number;
  details?: string;
  t: number;
  meta: Record<string, string>;
}

describe("grpc-js-xds against our control plane", { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  let base: string;
  let port = 0;
  const backends: Backend[] = [];
  const workloads: AdsTestClient[] = [];
  let clientSeq = 0;

  /** A backend plus the ADS stream that auto-registers it (an in-process workload). */
  async function workload(
    app: string,
    version: string,
    ip: string,
    p: number,
    mode: "ok" | "unavailable" = "ok",
  ) {
    const b = await startBackend(`${app}-${version}`, ip, p, mode);
    backends.push(b);
    const ads = new AdsTestClient(base, {
      id: `${app}-${version}`,
      metadata: {
        APP: app,
        NAMESPACE: "demo",
        LABELS: { version },
        INSTANCE_IPS: ip,
        DUBBO_PORTS: `grpc:${b.port}`,
      },
      locality: {},
    });
    ads.subscribe(TypeUrl.listener, [`xds.istio.io/grpc/lds/inbound/${ip}:${b.port}`]);
    workloads.push(ads);
    return b;
  }

  async function apply(kind: string, name: string, yaml: string | undefined): Promise<void> {
    const res = await fetch(`${base}/api/v1/${kind}/demo/${name}`, {
      method: yaml === undefined ? "DELETE" : "PUT",
      ...(yaml === undefined ? {} : { body: yaml }),
      headers: { "content-type": "application/yaml", authorization: `Bearer ${TOKEN}` },
    });
    assert.ok(res.status < 300 || (yaml === undefined && res.status === 404), await res.text());
  }

  /** Waits until the debounced push has made the latest config and registry current. */
  const settled = () => waitFor("the push", () => cp.ads.isCurrent(), 5000);

  async function calls(target: string, plan: Record<string, unknown>, holdMs = 0): Promise<CallLine[]> {
    const child = spawnChild("./xds-call.ts", {
      bootstrap: {
        xds_servers: [
          {
            server_uri: `127.0.0.1:${port}`,
            channel_creds: [{ type: "insecure" }],
            server_features: ["xds_v3"],
          },
        ],
        node: {
          id: `grpc-js-client-${++clientSeq}`,
          locality: {},
          metadata: { GENERATOR: "grpc", NAMESPACE: "demo" },
        },
      },
      target: `xds:///${target}`,
      holdMs,
      ...plan,
    });
    try {
      await child.waitFor("done", 120_000);
      return child.lines.filter((l) => l.event === "call") as unknown as CallLine[];
    } finally {
      if (holdMs === 0) child.kill();
      else void child.exited;
    }
  }

  let greeterPort = 0;
  let flakyPort = 0;

  before(async () => {
    cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 20, maxMs: 1000 }, registrationGraceMs: 300 });
    port = (await cp.start()).port;
    base = `http://127.0.0.1:${port}`;
    // greeter v1 and v2: same port on two loopback addresses, as two pods would have.
    greeterPort = (await workload("greeter", "v1", "127.0.0.2", 0)).port;
    await workload("greeter", "v2", "127.0.0.3", greeterPort);
    // flaky: one healthy endpoint, one that answers UNAVAILABLE.
    flakyPort = (await workload("flaky", "ok", "127.0.0.4", 0)).port;
    await workload("flaky", "down", "127.0.0.5", flakyPort, "unavailable");
    await waitFor("four endpoints", () => cp.registry.snapshot().instances.length === 4);
    await apply(
      "destinationrules",
      "greeter",
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: greeter}\nspec:\n  host: greeter\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n",
    );
    await settled();
  });

  after(async () => {
    for (const w of workloads) await w.close();
    for (const b of backends) await b.close();
    await cp.close();
  });

  it("splits traffic 80/20 between subsets (1000 calls, within 6 points) and the client ACKs every type", async () => {
    await apply(
      "virtualservices",
      "greeter",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - route:
    - destination: {host: greeter, subset: v1}
      weight: 80
    - destination: {host: greeter, subset: v2}
      weight: 20
`,
    );
    await settled();
    const clientId = `grpc-js-client-${clientSeq + 1}`;
    const lines = await calls(`greeter.demo.svc.cluster.local:${greeterPort}`, { calls: 1000 }, 3000);
    assert.equal(lines.filter((l) => !l.ok).length, 0, JSON.stringify(lines.find((l) => !l.ok)));
    const v1 = lines.filter((l) => l.server === "greeter-v1").length / lines.length;
    assert.ok(Math.abs(v1 - 0.8) <= 0.06, `v1 share ${v1}`);
    // The client is still connected: every type it subscribed to is ACKed, none NACKed.
    const adsz = (await (await fetch(`${base}/debug/adsz`)).json()) as {
      clients: {
        node?: { id: string };
        types: Record<string, { status: string; acks: number; nacks: number }>;
      }[];
    };
    const me = adsz.clients.find((c) => c.node?.id === clientId);
    assert.ok(me !== undefined, "the grpc-js-xds client in /debug/adsz");
    assert.deepEqual(Object.keys(me.types).sort(), ["CDS", "EDS", "LDS", "RDS"]);
    for (const [t, st] of Object.entries(me.types)) {
      assert.equal(st.status, "SYNCED", t);
      assert.ok(st.acks >= 1, t);
      assert.equal(st.nacks, 0, t);
    }
  });

  it("routes on a header, and short names resolve within the namespace", async () => {
    await apply(
      "virtualservices",
      "greeter",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - match:
    - headers:
        x-canary: {exact: "true"}
    route:
    - destination: {host: greeter, subset: v2}
  - route:
    - destination: {host: greeter, subset: v1}
`,
    );
    await settled();
    const lines = await calls(`greeter:${greeterPort}`, {
      calls: 60,
      metadataCycle: [{ "x-canary": "true" }, {}],
    });
    assert.equal(lines.filter((l) => !l.ok).length, 0);
    for (const l of lines)
      assert.equal(l.server, l.meta["x-canary"] === "true" ? "greeter-v2" : "greeter-v1");
  });

  it("injects a fault abort (UNAVAILABLE) on matching calls", async () => {
    await apply(
      "virtualservices",
      "greeter",
      `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: greeter}
spec:
  hosts: [greeter]
  http:
  - match:
    - headers:
        x-fault: {exact: abort}
    fault:
      abort:
        grpcStatus: UNAVAILABLE
        percentage: {value: 100}
    route:
    - destination: {host: greeter}
  - route:
    - destination: {host: greeter}
`,
    );
    await settled();
    const lines = await calls(`greeter:${greeterPort}`, {
      calls: 40,
      metadataCycle: [{ "x-fault": "abort" }, {}],
    });
    for (const l of lines) {
      if (l.meta["x-fault"] === "abort") assert.equal(l.code, 14, JSON.stringify(l));
      else assert.equal(l.ok, true, JSON.stringify(l));
    }
  });

  it("retries UNAVAILABLE on the other endpoint when the VirtualService says so", async () => {
    const vs = (attempts: number) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: flaky}
spec:
  hosts: [flaky]
  http:
  - route:
    - destination: {host: flaky}
    retries: {attempts: ${attempts}, retryOn: unavailable}
`;
    const target = `flaky:${flakyPort}`;
    await apply("virtualservices", "flaky", vs(0));
    await settled();
    const without = await calls(target, { calls: 40 });
    const failed = without.filter((l) => !l.ok);
    assert.ok(failed.length >= 10, `without retries about half fail, got ${failed.length}`);
    assert.ok(failed.every((l) => l.code === 14));
    await apply("virtualservices", "flaky", vs(3));
    await settled();
    const withRetries = await calls(target, { calls: 40 });
    assert.deepEqual(
      withRetries.filter((l) => !l.ok),
      [],
    );
    assert.ok(withRetries.every((l) => l.server === "flaky-ok"));
  });

  it("keeps calls with the same hash key on one endpoint (ring hash on a header)", async () => {
    await apply("virtualservices", "greeter", undefined);
    await apply(
      "destinationrules",
      "greeter",
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: greeter}\nspec:\n  host: greeter\n  trafficPolicy:\n    loadBalancer:\n      consistentHash: {httpHeaderName: x-user}\n",
    );
    await settled();
    const users = Array.from({ length: 20 }, (_, i) => ({ "x-user": `user-${i}` }));
    const lines = await calls(`greeter:${greeterPort}`, { calls: 200, metadataCycle: users });
    assert.equal(lines.filter((l) => !l.ok).length, 0);
    const byUser = new Map<string, Set<string>>();
    // The first round may land before all subchannels are READY; stickiness is judged after it.
    for (const l of lines.slice(users.length)) {
      const u = l.meta["x-user"];
      byUser.set(u, (byUser.get(u) ?? new Set()).add(l.server ?? "?"));
    }
    for (const [u, servers] of byUser)
      assert.equal(servers.size, 1, `${u} went to ${[...servers].join(", ")}`);
    const used = new Set([...byUser.values()].flatMap((s) => [...s]));
    assert.equal(used.size, 2, "20 keys spread over both endpoints");
  });

  it("routes by a Dubbo condition rule (method -> providers with a label)", async () => {
    await apply("virtualservices", "greeter", undefined);
    await apply("destinationrules", "greeter", undefined);
    const res = await fetch(`${base}/api/v1/conditionroutes/dubbo/greeter.condition-router`, {
      method: "PUT",
      body: "configVersion: v3.0\nscope: application\nkey: greeter\nforce: true\nconditions:\n  - method=Whoami => version=v2\n",
      headers: { "content-type": "application/yaml", authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 201, await res.text());
    await settled();
    const lines = await calls(`greeter:${greeterPort}`, { calls: 30 });
    assert.deepEqual(new Set(lines.map((l) => l.server)), new Set(["greeter-v2"]));
  });

  it("drops an auto-registered endpoint when its workload's ADS stream goes away", async () => {
    const first = spawnChild("./workload.ts", {
      controlPlane: base,
      ip: "127.0.0.6",
      port: 0,
      app: "bye",
      namespace: "demo",
      version: "v1",
    });
    const { port: byePort } = (await first.waitFor("ready")) as { port: number };
    const second = spawnChild("./workload.ts", {
      controlPlane: base,
      ip: "127.0.0.7",
      port: byePort,
      app: "bye",
      namespace: "demo",
      version: "v2",
    });
    await second.waitFor("ready");
    try {
      await waitFor(
        "both bye endpoints",
        () => cp.registry.snapshot().endpoints("bye.demo.svc.cluster.local", byePort).length === 2,
      );
      await settled();
      const client = spawnChild("./xds-call.ts", {
        bootstrap: {
          xds_servers: [
            {
              server_uri: `127.0.0.1:${port}`,
              channel_creds: [{ type: "insecure" }],
              server_features: ["xds_v3"],
            },
          ],
          node: { id: "grpc-js-bye", locality: {}, metadata: { GENERATOR: "grpc", NAMESPACE: "demo" } },
        },
        target: `xds:///bye:${byePort}`,
        calls: 150,
        intervalMs: 20,
      });
      await waitFor("20 calls", () => client.lines.length >= 20, 30_000);
      const killedAt = Date.now();
      second.kill("SIGKILL");
      await waitFor(
        "the endpoint's removal",
        () => cp.registry.snapshot().endpoints("bye.demo.svc.cluster.local", byePort).length === 1,
        5000,
      );
      await client.waitFor("done", 60_000);
      const lines = client.lines.filter((l) => l.event === "call") as unknown as CallLine[];
      const before = lines.filter((l) => l.t < killedAt);
      assert.deepEqual(new Set(before.map((l) => l.server)), new Set(["bye-v1", "bye-v2"]));
      // Once the removal (grace period 300 ms) has been pushed, every call goes to the survivor.
      const settledAfter = lines.filter((l) => l.t > killedAt + 1500);
      assert.ok(settledAfter.length > 20);
      assert.ok(
        settledAfter.every((l) => l.ok && l.server === "bye-v1"),
        JSON.stringify(settledAfter.find((l) => l.server !== "bye-v1")),
      );
      client.kill();
    } finally {
      first.kill();
      second.kill();
    }
  });
});
