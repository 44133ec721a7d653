// Our control plane against grpc-go's own xDS interop client and server (the binaries grpc's xDS
// interop suite runs), installed by interop/go/install-grpc-xds-interop.sh. The client resolves
// `xds:///` through our LDS/RDS/CDS/EDS only; its LoadBalancerStatsService, read with grpcurl over
// the client's reflection service, says which server answered each RPC.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ControlPlane } from "../src/control-plane.js";
import { TypeUrl } from "../src/translate/translator.js";
import { AdsTestClient } from "./support/ads-client.js";
import { type GoProcess, installPeer, runPeer, spawnPeer } from "./support/go-peers.js";
import { freePort, type Relay, startRelay } from "./support/tcp-relay.js";
import { waitFor } from "./support/wait.js";

const TOKEN = "e2e";
const HOST = "xds-test.demo.svc.cluster.local";
const CLIENT_ID = "grpc-go-interop-client";
const RPCS = 600;

interface TypeStatus {
  status: string;
  acks: number;
  nacks: number;
  nacked?: { message?: string };
}
interface Adsz {
  clients: { node?: { id: string }; types: Record<string, TypeStatus> }[];
}
/** grpcurl prints the response as protobuf JSON (lowerCamelCase names, zero values omitted). */
interface ClientStats {
  rpcsByPeer?: Record<string, number>;
  numFailures?: number;
}

describe("grpc-go xDS interop client and servers against our control plane", { timeout: 900_000 }, () => {
  let cp: ControlPlane;
  let base: string;
  let port = 0;
  let servicePort = 0;
  let clientBin = "";
  let serverBin = "";
  let grpcurlBin = "";
  const peers: GoProcess[] = [];
  const relays: Relay[] = [];
  const workloads: AdsTestClient[] = [];

  async function apply(kind: string, name: string, yaml: string): Promise<void> {
    const res = await fetch(`${base}/api/v1/${kind}/demo/${name}`, {
      method: "PUT",
      body: yaml,
      headers: { "content-type": "application/yaml", authorization: `Bearer ${TOKEN}` },
    });
    assert.ok(res.status < 300, await res.text());
  }

  /** One grpc-go interop server reached at ip:servicePort, auto-registered as xds-test `version`. */
  async function server(version: string, ip: string): Promise<void> {
    const own = await freePort();
    const p = spawnPeer(serverBin, [
      `--port=${own}`,
      `--maintenance_port=${await freePort()}`,
      `--server_id=xds-test-${version}`,
      // rpcs_by_peer is keyed by the server's hostname, the same for both processes here.
      `--host_name_override=xds-test-${version}`,
    ]);
    peers.push(p);
    const relay = await startRelay(ip, servicePort, own);
    relays.push(relay);
    servicePort = relay.port;
    const ads = new AdsTestClient(base, {
      id: `xds-test-${version}`,
      metadata: {
        APP: "xds-test",
        NAMESPACE: "demo",
        LABELS: { version },
        INSTANCE_IPS: ip,
        DUBBO_PORTS: `grpc:${servicePort}`,
      },
      locality: {},
    });
    ads.subscribe(TypeUrl.listener, [`xds.istio.io/grpc/lds/inbound/${ip}:${servicePort}`]);
    workloads.push(ads);
  }

  const adsz = async () => (await (await fetch(`${base}/debug/adsz`)).json()) as Adsz;

  before(async () => {
    // Built once into the shared cache (a few minutes the first time); printed paths come last.
    [clientBin, serverBin] = await installPeer("install-grpc-xds-interop.sh", 2);
    [grpcurlBin] = await installPeer("install-grpcurl.sh", 1);
    cp = new ControlPlane({ token: TOKEN, debounce: { quietMs: 20, maxMs: 1000 }, registrationGraceMs: 300 });
    port = (await cp.start()).port;
    base = `http://127.0.0.1:${port}`;
    // v1 and v2: the same port on two loopback addresses, as two pods would have.
    await server("v1", "127.0.0.2");
    await server("v2", "127.0.0.3");
    await waitFor("two endpoints", () => cp.registry.snapshot().endpoints(HOST, servicePort).length === 2);
    await apply(
      "destinationrules",
      "xds-test",
      "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: xds-test}\nspec:\n  host: xds-test\n  subsets:\n  - {name: v1, labels: {version: v1}}\n  - {name: v2, labels: {version: v2}}\n",
    );
    await apply(
      "virtualservices",
      "xds-test",
      "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: xds-test}\nspec:\n  hosts: [xds-test]\n  http:\n  - route:\n    - destination: {host: xds-test, subset: v1}\n      weight: 80\n    - destination: {host: xds-test, subset: v2}\n      weight: 20\n",
    );
    await waitFor("the push", () => cp.ads.isCurrent(), 5000);
  });

  after(async () => {
    for (const p of peers) await p.kill();
    for (const r of relays) await r.close();
    for (const w of workloads) await w.close();
    await cp?.close();
  });

  it(`splits ${RPCS} RPCs 80/20 across v1/v2 (within 6 points), none failing, and grpc-go ACKs every type`, async () => {
    const statsPort = await freePort();
    const bootstrap = {
      xds_servers: [
        {
          server_uri: `127.0.0.1:${port}`,
          channel_creds: [{ type: "insecure" }],
          server_features: ["xds_v3"],
        },
      ],
      node: { id: CLIENT_ID, locality: {}, metadata: { GENERATOR: "grpc", NAMESPACE: "demo" } },
    };
    const client = spawnPeer(
      clientBin,
      [
        `--server=xds:///${HOST}:${servicePort}`,
        "--num_channels=2",
        "--qps=100",
        `--stats_port=${statsPort}`,
      ],
      { GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap) },
    );
    peers.push(client);
    // Stats count only RPCs started after the request, so first let the client converge.
    const synced = () =>
      adsz().then((a) => {
        const me = a.clients.find((c) => c.node?.id === CLIENT_ID);
        const types = Object.values(me?.types ?? {});
        return types.length === 4 && types.every((t) => t.status === "SYNCED") && me;
      });
    await waitFor("grpc-go to ACK LDS/RDS/CDS/EDS", synced, 30_000, 100).catch(async (e: Error) => {
      const me = (await adsz()).clients.find((c) => c.node?.id === CLIENT_ID);
      throw new Error(`${e.message}\n${JSON.stringify(me?.types)}\nclient output:\n${client.output()}`);
    });

    const r = await runPeer(grpcurlBin, [
      "-plaintext",
      "-max-time",
      "90",
      "-d",
      JSON.stringify({ num_rpcs: RPCS, timeout_sec: 60 }),
      `127.0.0.1:${statsPort}`,
      "grpc.testing.LoadBalancerStatsService/GetClientStats",
    ]);
    assert.equal(r.code, 0, `${r.stderr}\nclient output:\n${client.output()}`);
    const stats = JSON.parse(r.stdout) as ClientStats;
    const byPeer = stats.rpcsByPeer ?? {};
    const v1 = byPeer["xds-test-v1"] ?? 0;
    const v2 = byPeer["xds-test-v2"] ?? 0;
    console.log(`grpc-go client stats: ${JSON.stringify(stats)}`);
    assert.equal(stats.numFailures ?? 0, 0, r.stdout);
    assert.equal(v1 + v2, RPCS, r.stdout);
    assert.ok(v1 > 0 && v2 > 0, r.stdout);
    const share = v1 / RPCS;
    assert.ok(Math.abs(share - 0.8) <= 0.06, `v1 share ${share}`);

    // Still connected: every type ACKed, none NACKed (a NACK's error_detail is in the message).
    const me = (await adsz()).clients.find((c) => c.node?.id === CLIENT_ID);
    assert.ok(me !== undefined, "the grpc-go client in /debug/adsz");
    assert.deepEqual(Object.keys(me.types).sort(), ["CDS", "EDS", "LDS", "RDS"]);
    for (const [t, st] of Object.entries(me.types)) {
      assert.equal(st.nacks, 0, `${t} NACKed: ${st.nacked?.message}`);
      assert.equal(st.status, "SYNCED", t);
      assert.ok(st.acks >= 1, t);
    }
  });
});
