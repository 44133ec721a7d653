// The XdsClient behaviours every control plane must see, written once and run against the in-process
// server and the Go control plane, over state of the world and delta. Each test has its own node id,
// so one control plane serves them all without their snapshots meeting.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type AdsProtocolName,
  buildBootstrap,
  type ResourceKind,
  type ResourceValues,
  XdsClient,
  type XdsLogger,
} from "../../../src/index.js";
import type { ControlPlane, SeenRequest } from "./control-plane.js";
import { RecordingWatcher } from "./recording-watcher.js";
import { waitFor } from "./wait.js";
import { edsCluster, endpoints, invalidCluster, listener, routeConfig, T } from "./xds-json.js";

let nodeCounter = 0;

export interface ScenarioOptions {
  readonly protocol: AdsProtocolName;
  /** Names the control plane in the suite title. */
  readonly against: string;
  readonly start: () => Promise<ControlPlane>;
}

class TestLogger implements XdsLogger {
  readonly warnings: string[] = [];
  warn(message: string): void {
    this.warnings.push(message);
  }
  info(): void {}
}

function chain(suffix: string, endpointAddress = "10.0.0.1:8080") {
  return [
    listener(`svc-${suffix}:80`, `route-${suffix}`),
    routeConfig(`route-${suffix}`, [`svc-${suffix}`, `svc-${suffix}:80`], [{ cluster: `cluster-${suffix}` }]),
    edsCluster(`cluster-${suffix}`, `eds-${suffix}`),
    endpoints(`eds-${suffix}`, [{ addresses: [endpointAddress] }]),
  ];
}

export function defineClientScenarios(options: ScenarioOptions): void {
  const { protocol } = options;
  let cp: ControlPlane;
  const clients: XdsClient[] = [];

  before(async () => {
    cp = await options.start();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cp?.stop();
  });

  function newClient(extra: { ignoreResourceDeletion?: boolean; timeoutMs?: number } = {}) {
    const nodeId = `node-${protocol}-${process.pid}-${++nodeCounter}`;
    const logger = new TestLogger();
    const client = new XdsClient({
      bootstrap: buildBootstrap({
        serverUri: `127.0.0.1:${cp.port}`,
        nodeId,
        ...(extra.ignoreResourceDeletion ? { ignoreResourceDeletion: true } : {}),
      }),
      protocol,
      resourceTimeoutMs: extra.timeoutMs ?? 15_000,
      backoff: { initialMs: 100, maxMs: 500 },
      logger,
    });
    clients.push(client);
    return { client, nodeId, logger };
  }

  function watch<K extends ResourceKind>(client: XdsClient, kind: K, name: string) {
    const w = new RecordingWatcher<ResourceValues[K]>();
    const cancel = client.watch(kind, name, w);
    return Object.assign(w, { cancel });
  }

  const ofType = (rs: SeenRequest[], typeUrl: string) => rs.filter((r) => r.typeUrl === typeUrl);
  const isAck = (r: SeenRequest) => r.responseNonce !== "" && r.errorDetail === undefined;

  describe(`XdsClient over ${protocol} against ${options.against}`, () => {
    it("subscribes to all four types and receives them; ACKs echo version and nonce; node only first", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", chain("a"));
      const l = watch(client, "Listener", "svc-a:80");
      const r = watch(client, "RouteConfiguration", "route-a");
      const c = watch(client, "Cluster", "cluster-a");
      const e = watch(client, "ClusterLoadAssignment", "eds-a");
      await waitFor("all four resources", () => l.last && r.last && c.last && e.last);
      const lv = l.last;
      assert.equal(lv?.kind, "client");
      if (lv?.kind === "client") {
        assert.deepEqual(lv.httpConnectionManager.routes, { kind: "rds", routeConfigName: "route-a" });
      }
      assert.deepEqual(r.last?.virtualHosts[0].domains, ["svc-a", "svc-a:80"]);
      assert.deepEqual(c.last?.discovery, { kind: "eds", serviceName: "eds-a" });
      assert.equal(e.last?.localities[0].endpoints[0].address.host, "10.0.0.1");
      assert.equal(e.last?.localities[0].endpoints[0].address.port, 8080);

      // Every type is ACKed with the version and the nonce of the response.
      const rs = await waitFor("an ACK for each type", async () => {
        const all = await cp.requests(nodeId);
        return [T.listener, T.route, T.cluster, T.endpoints].every((t) => ofType(all, t).some(isAck)) && all;
      });
      for (const t of [T.listener, T.route, T.cluster, T.endpoints]) {
        const ack = ofType(rs, t).find(isAck);
        assert.ok(ack, `ACK for ${t}`);
        if (protocol === "sotw") assert.equal(ack.versionInfo, "v1", `${t} ACK version`);
      }
      // node goes on the first request of the stream only.
      const first = rs.filter((x) => x.stream === rs[0].stream);
      assert.equal(first[0].node, true, "the first request carries node");
      assert.ok(
        first.slice(1).every((x) => !x.node),
        "later requests carry no node",
      );
      const statuses = client.dump();
      assert.equal(statuses.length, 4);
      for (const st of statuses) {
        assert.equal(st.state, "acked", `${st.kind} state`);
        assert.ok(st.lastUpdated instanceof Date);
        assert.ok(st.raw !== undefined);
        if (protocol === "sotw") assert.equal(st.version, "v1");
        else assert.notEqual(st.version, "");
      }
    });

    it("NACKs an invalid resource with error_detail and still applies the valid ones", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", [edsCluster("good", "eds-1"), edsCluster("bad", "eds-bad-1")]);
      const good = watch(client, "Cluster", "good");
      const bad = watch(client, "Cluster", "bad");
      await waitFor("v1 of both clusters", () => good.last && bad.last);
      await waitFor("the v1 ACK", async () => ofType(await cp.requests(nodeId), T.cluster).some(isAck));

      await cp.setSnapshot(nodeId, "v2", [edsCluster("good", "eds-2"), invalidCluster("bad")]);
      await waitFor(
        "the valid cluster of v2",
        () => good.last?.discovery.kind === "eds" && good.last.discovery.serviceName === "eds-2",
      );
      await waitFor("the error for the invalid cluster", () => bad.count("error") > 0);
      // The invalid one keeps its last good value; watchers never saw the invalid one.
      assert.equal(bad.updates.length, 1);
      assert.deepEqual(bad.last?.discovery, { kind: "eds", serviceName: "eds-bad-1" });
      const err = bad.events.find((ev) => ev.kind === "error");
      assert.ok(err?.kind === "error" && err.error.kind === "nack");
      assert.match(err.error.message, /Cluster "bad"/);

      const nack = await waitFor("the NACK", async () =>
        ofType(await cp.requests(nodeId), T.cluster).find((r) => r.errorDetail !== undefined),
      );
      assert.equal(nack.errorDetail?.code, 3, "INVALID_ARGUMENT");
      assert.match(nack.errorDetail?.message ?? "", /Cluster "bad": type: STATIC is not supported/);
      assert.doesNotMatch(nack.errorDetail?.message ?? "", /"good"/);
      assert.notEqual(nack.responseNonce, "");
      if (protocol === "sotw")
        assert.equal(nack.versionInfo, "v1", "a NACK carries the last accepted version");

      const dump = new Map(client.dump().map((d) => [d.name, d]));
      assert.equal(dump.get("good")?.state, "acked");
      assert.equal(dump.get("bad")?.state, "nacked");
      assert.match(dump.get("bad")?.lastError?.message ?? "", /STATIC/);
      if (protocol === "sotw") {
        assert.equal(dump.get("bad")?.version, "v1", "the nacked resource keeps its accepted version");
        assert.equal(dump.get("bad")?.lastError?.version, "v2");
      }

      // A fixed version clears the error.
      await cp.setSnapshot(nodeId, "v3", [edsCluster("good", "eds-2"), edsCluster("bad", "eds-bad-3")]);
      await waitFor(
        "the fixed cluster",
        () => bad.last?.discovery.kind === "eds" && bad.last.discovery.serviceName === "eds-bad-3",
      );
      await waitFor("state acked", () => client.dump().find((d) => d.name === "bad")?.state === "acked");
    });

    it("delivers the deletion of a Listener and a Cluster", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", [...chain("d1"), ...chain("d2")]);
      const l1 = watch(client, "Listener", "svc-d1:80");
      const l2 = watch(client, "Listener", "svc-d2:80");
      const c1 = watch(client, "Cluster", "cluster-d1");
      const c2 = watch(client, "Cluster", "cluster-d2");
      await waitFor("everything", () => l1.last && l2.last && c1.last && c2.last);
      await cp.setSnapshot(nodeId, "v2", chain("d1"));
      await waitFor("listener deletion", () => l2.count("does_not_exist") === 1);
      await waitFor("cluster deletion", () => c2.count("does_not_exist") === 1);
      assert.equal(l1.count("does_not_exist"), 0);
      assert.equal(c1.count("does_not_exist"), 0);
      const dump = new Map(client.dump().map((d) => [d.name, d]));
      assert.equal(dump.get("svc-d2:80")?.state, "does_not_exist");
      assert.equal(dump.get("cluster-d2")?.state, "does_not_exist");
      assert.equal(dump.get("svc-d1:80")?.state, "acked");
    });

    it(
      protocol === "sotw"
        ? "does not delete a RouteConfiguration or ClusterLoadAssignment absent from a response"
        : "deletes a RouteConfiguration and a ClusterLoadAssignment the server removes",
      async () => {
        const { client, nodeId } = newClient();
        await cp.setSnapshot(nodeId, "v1", [...chain("r1"), ...chain("r2")]);
        const r1 = watch(client, "RouteConfiguration", "route-r1");
        const r2 = watch(client, "RouteConfiguration", "route-r2");
        const e1 = watch(client, "ClusterLoadAssignment", "eds-r1");
        const e2 = watch(client, "ClusterLoadAssignment", "eds-r2");
        await waitFor("everything", () => r1.last && r2.last && e1.last && e2.last);
        // r1 and e1 change, r2 and e2 are gone from the snapshot.
        await cp.setSnapshot(nodeId, "v2", chain("r1", "10.0.0.9:9090"));
        if (protocol === "delta") {
          await waitFor("route removal", () => r2.count("does_not_exist") === 1);
          await waitFor("endpoints removal", () => e2.count("does_not_exist") === 1);
          return;
        }
        if (cp.sendsPartialSotwResponses) {
          await waitFor("the new endpoints", () => e1.last?.localities[0].endpoints[0].address.port === 9090);
        }
        await waitFor("the v2 EDS response to be processed", async () => {
          if (!cp.sendsPartialSotwResponses) return true;
          return ofType(await cp.requests(nodeId), T.endpoints).some(
            (r) => isAck(r) && r.versionInfo === "v2",
          );
        });
        assert.equal(r2.count("does_not_exist"), 0);
        assert.equal(e2.count("does_not_exist"), 0);
        assert.equal(r2.updates.length, 1, "route-r2 keeps its value");
        const dump = new Map(client.dump().map((d) => [d.name, d]));
        assert.equal(dump.get("route-r2")?.state, "acked");
        assert.equal(dump.get("eds-r2")?.state, "acked");
      },
    );

    it("keeps deleted resources with ignore_resource_deletion, and logs", async () => {
      const { client, nodeId, logger } = newClient({ ignoreResourceDeletion: true });
      await cp.setSnapshot(nodeId, "v1", [...chain("i1"), ...chain("i2")]);
      const l1 = watch(client, "Listener", "svc-i1:80");
      const l2 = watch(client, "Listener", "svc-i2:80");
      await waitFor("both listeners", () => l1.last && l2.last);
      await cp.setSnapshot(nodeId, "v2", chain("i1"));
      await waitFor("the warning", () => logger.warnings.some((w) => w.includes('"svc-i2:80"')));
      assert.equal(l2.count("does_not_exist"), 0);
      assert.equal(client.dump().find((d) => d.name === "svc-i2:80")?.state, "acked");
    });

    it("reports a resource that does not arrive within the timeout, and takes it when it comes", async () => {
      const { client, nodeId } = newClient({ timeoutMs: 400 });
      await cp.setSnapshot(nodeId, "v1", chain("t1"));
      const present = watch(client, "Cluster", "cluster-t1");
      const missing = watch(client, "Cluster", "cluster-t2");
      await waitFor("the present cluster", () => present.last);
      await waitFor("does-not-exist", () => missing.count("does_not_exist") === 1);
      assert.equal(present.count("does_not_exist"), 0);
      assert.equal(client.dump().find((d) => d.name === "cluster-t2")?.state, "does_not_exist");
      await cp.setSnapshot(nodeId, "v2", [...chain("t1"), ...chain("t2")]);
      await waitFor("the late cluster", () => missing.last);
      assert.equal(client.dump().find((d) => d.name === "cluster-t2")?.state, "acked");
    });

    it("shares one subscription between watchers and unsubscribes with the last cancel", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", [...chain("s1"), ...chain("s2")]);
      const keep = watch(client, "Cluster", "cluster-s1");
      const a = watch(client, "Cluster", "cluster-s2");
      await waitFor("both", () => keep.last && a.last);
      const b = watch(client, "Cluster", "cluster-s2");
      await waitFor("the cached value for the second watcher", () => b.last);
      assert.equal(b.updates.length, 1);
      const subscribed = (r: SeenRequest) =>
        protocol === "sotw" ? r.resourceNames.includes("cluster-s2") : r.subscribe.includes("cluster-s2");
      const before = ofType(await cp.requests(nodeId), T.cluster).filter(subscribed).length;
      a.cancel();
      b.cancel();
      b.cancel();
      const unsubscribed = (r: SeenRequest) =>
        protocol === "sotw"
          ? r.resourceNames.includes("cluster-s1") && !r.resourceNames.includes("cluster-s2")
          : r.unsubscribe.includes("cluster-s2");
      await waitFor("the unsubscription", async () =>
        ofType(await cp.requests(nodeId), T.cluster).some(unsubscribed),
      );
      assert.equal(
        ofType(await cp.requests(nodeId), T.cluster).filter((r) => protocol === "delta" && subscribed(r))
          .length,
        protocol === "delta" ? before : 0,
        "the second watcher did not subscribe again",
      );
      assert.deepEqual(
        client.dump().map((d) => d.name),
        ["cluster-s1"],
      );
    });

    it("survives a control plane restart: fail static, then reconnect and resubscribe", async () => {
      const { client, nodeId } = newClient();
      await cp.setSnapshot(nodeId, "v1", chain("f"));
      const l = watch(client, "Listener", "svc-f:80");
      const r = watch(client, "RouteConfiguration", "route-f");
      const c = watch(client, "Cluster", "cluster-f");
      const e = watch(client, "ClusterLoadAssignment", "eds-f");
      await waitFor("the chain", () => l.last && r.last && c.last && e.last);
      await waitFor("the EDS ACK", async () => ofType(await cp.requests(nodeId), T.endpoints).some(isAck));
      const streamsBefore = client.streamsOpened;
      const eventsBefore = [l, r, c, e].map((w) => w.events.length);

      await cp.stop();
      // Two failed attempts at least: the client noticed and is retrying with backoff.
      await waitFor("reconnect attempts", () => client.streamsOpened >= streamsBefore + 2);
      await waitFor("a connection error for the watchers", () => e.count("error") > 0);
      const err = e.events.find((ev) => ev.kind === "error");
      assert.ok(err?.kind === "error" && err.error.kind === "connection");
      // While the server is away nothing is deleted and nothing changes: fail static.
      assert.deepEqual(
        [l, r, c, e].map((w) => w.count("does_not_exist")),
        [0, 0, 0, 0],
      );
      assert.ok(client.dump().every((d) => d.state === "acked"));
      assert.equal(e.last?.localities[0].endpoints[0].address.host, "10.0.0.1");

      await cp.restart();
      await cp.setSnapshot(nodeId, "v2", chain("f", "10.0.0.2:8080"));
      await waitFor(
        "the new endpoints after the restart",
        () => e.last?.localities[0].endpoints[0].address.host === "10.0.0.2",
      );
      assert.deepEqual(
        [l, r, c, e].map((w) => w.count("does_not_exist")),
        [0, 0, 0, 0],
      );
      assert.ok([l, r, c, e].every((w, i) => w.events.length >= eventsBefore[i]));
      // The new stream resent every subscription, starting with node and the versions held.
      const rs = await cp.requests(nodeId);
      const lastStream = Math.max(...rs.map((x) => x.stream));
      const fresh = rs.filter((x) => x.stream === lastStream);
      assert.equal(fresh[0].node, true);
      for (const t of [T.listener, T.route, T.cluster, T.endpoints]) {
        const initial = fresh.find((x) => x.typeUrl === t);
        assert.ok(initial, `${t} resubscribed`);
        assert.equal(initial.responseNonce, "", "a new stream starts without a nonce");
        if (protocol === "sotw") {
          assert.equal(initial.versionInfo, "v1", "the last accepted version is sent on the new stream");
          assert.equal(initial.resourceNames.length, 1);
        } else {
          assert.equal(initial.subscribe.length, 1);
          assert.equal(Object.keys(initial.initialResourceVersions).length, 1, "initial_resource_versions");
        }
      }
    });
  });
}
