// How the client reaches its xDS server: tls channel credentials with the bootstrap's files (A65),
// jwt_token_file call credentials read per stream (A97), and istio-agent's unix socket.
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildBootstrap, clusterType, type ValidatedCluster, XdsClient } from "../../src/index.js";
import { startInprocAdsServer } from "./support/inproc-ads-server.js";
import { RecordingWatcher } from "./support/recording-watcher.js";
import { selfSigned } from "./support/self-signed.js";
import { waitFor } from "./support/wait.js";
import { edsCluster, T } from "./support/xds-json.js";

const quiet = { warn() {}, info() {} };
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe("xDS server channel", () => {
  it("speaks TLS with the bootstrap's CA, presents its certificate, sends the JWT of each stream", async () => {
    const certs = selfSigned();
    cleanups.push(() => rmSync(certs.dir, { recursive: true, force: true }));
    const server = await startInprocAdsServer({
      tls: { key: certs.key, cert: certs.cert, ca: certs.cert, requestCert: true },
    });
    cleanups.push(() => server.stop());
    const tokenFile = join(certs.dir, "token");
    writeFileSync(tokenFile, "first-token\n");
    const nodeId = "tls-node";
    server.setSnapshot(nodeId, "v1", [edsCluster("c")]);
    const client = new XdsClient({
      bootstrap: buildBootstrap({
        serverUri: `localhost:${server.port}`,
        nodeId,
        channelCredentials: {
          type: "tls",
          caCertificateFile: certs.certFile,
          certificateFile: certs.certFile,
          privateKeyFile: certs.keyFile,
          refreshIntervalMs: 600_000,
        },
        jwtTokenFile: tokenFile,
      }),
      backoff: { initialMs: 50, maxMs: 200 },
      logger: quiet,
    });
    cleanups.push(() => client.close());
    const w = new RecordingWatcher<ValidatedCluster>();
    client.watch("Cluster", "c", w);
    await waitFor("the cluster over TLS", () => w.last);
    assert.equal(server.requests(nodeId)[0].authorization, "Bearer first-token");

    // The token is read again for the next stream.
    writeFileSync(tokenFile, "second-token");
    await server.restart();
    server.setSnapshot(nodeId, "v2", [edsCluster("c", "other")]);
    await waitFor(
      "the update on the new stream",
      () => w.last?.discovery.kind === "eds" && w.last.discovery.serviceName === "other",
    );
    assert.equal(server.requests(nodeId).at(-1)?.authorization, "Bearer second-token");
  });

  it("fails the TLS handshake without a client certificate when the server requires one", async () => {
    const certs = selfSigned();
    cleanups.push(() => rmSync(certs.dir, { recursive: true, force: true }));
    const server = await startInprocAdsServer({
      tls: { key: certs.key, cert: certs.cert, ca: certs.cert, requestCert: true },
    });
    cleanups.push(() => server.stop());
    const client = new XdsClient({
      bootstrap: buildBootstrap({
        serverUri: `127.0.0.1:${server.port}`,
        nodeId: "no-cert",
        channelCredentials: { type: "tls", caCertificateFile: certs.certFile, refreshIntervalMs: 600_000 },
      }),
      backoff: { initialMs: 50, maxMs: 200 },
      logger: quiet,
    });
    cleanups.push(() => client.close());
    const w = new RecordingWatcher<ValidatedCluster>();
    client.watch("Cluster", "c", w);
    await waitFor("a connection error", () => w.events.find((e) => e.kind === "error"));
    assert.equal(server.requests("no-cert").length, 0);
  });

  it("refuses to send a token over an insecure channel to a remote server", async () => {
    const dir = join(tmpdir(), `xds-jwt-${process.pid}`);
    writeFileSync(dir, "secret");
    cleanups.push(() => rmSync(dir, { force: true }));
    const client = new XdsClient({
      // Never dialled: the client refuses before connecting.
      bootstrap: buildBootstrap({ serverUri: "xds.invalid:15012", nodeId: "n", jwtTokenFile: dir }),
      backoff: { initialMs: 50, maxMs: 200 },
      logger: quiet,
    });
    cleanups.push(() => client.close());
    const w = new RecordingWatcher<ValidatedCluster>();
    client.watch("Cluster", "c", w);
    const e = await waitFor("the refusal", () => w.events.find((ev) => ev.kind === "error"));
    assert.ok(e.kind === "error");
    assert.match(e.error.message, /cleartext/);
  });

  it("connects over a unix socket (istio-agent's unix:///etc/istio/proxy/XDS)", async () => {
    const server = await startInprocAdsServer();
    cleanups.push(() => server.stop());
    const path = join(tmpdir(), `xds-${process.pid}.sock`);
    rmSync(path, { force: true });
    // A unix socket in front of the TCP port, as istio-agent's is in front of istiod.
    const proxy = net.createServer((c) => {
      const upstream = net.connect(server.port, "127.0.0.1");
      c.pipe(upstream).pipe(c);
      c.on("error", () => upstream.destroy());
      upstream.on("error", () => c.destroy());
    });
    await new Promise<void>((r) => proxy.listen(path, r));
    cleanups.push(
      () =>
        new Promise<void>((r) => {
          proxy.close(() => r());
        }),
    );
    server.setSnapshot("uds", "v1", [edsCluster("c")]);
    const client = new XdsClient({
      bootstrap: buildBootstrap({ serverUri: `unix://${path}`, nodeId: "uds" }),
      logger: quiet,
    });
    cleanups.push(() => client.close());
    const w = new RecordingWatcher<ValidatedCluster>();
    client.watch(clusterType, "c", w); // by resource type: the value type follows from it
    await waitFor("the cluster over the unix socket", () => w.last);
    assert.equal(server.requests("uds")[0].typeUrl, T.cluster);
  });
});
