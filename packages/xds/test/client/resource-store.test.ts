// The cache behind XdsClient, without a network: what watchers are told and when, for the cases a
// control plane cannot easily be made to produce.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Any } from "@bufbuild/protobuf/wkt";
import { type DecodedBatch, ResourceStore } from "../../src/client/resource-store.js";
import type { AnyResourceType, ValidatedCluster } from "../../src/index.js";
import { clusterType } from "../../src/index.js";
import { RecordingWatcher } from "./support/recording-watcher.js";
import { settle } from "./support/wait.js";
import { anyFromJson, edsCluster } from "./support/xds-json.js";

function store(options: { ignoreResourceDeletion?: boolean; timeoutMs?: number } = {}) {
  const changes: string[] = [];
  const warnings: string[] = [];
  const s = new ResourceStore({
    resourceTimeoutMs: options.timeoutMs ?? 15_000,
    ignoreResourceDeletion: options.ignoreResourceDeletion ?? false,
    logger: { warn: (m) => warnings.push(m), info() {} },
    onSubscriptionsChanged: (t) => changes.push(t.kind),
  });
  return { s, changes, warnings };
}

const type = clusterType as AnyResourceType;

function accepted(name: string, serviceName = name, version = "v1") {
  const raw: Any = anyFromJson(edsCluster(name, serviceName));
  const decoded = clusterType.parse(raw.value);
  assert.ok(decoded.result.ok);
  return { name, value: decoded.result.value, raw, version };
}

function batch(b: Partial<DecodedBatch>): DecodedBatch {
  return { accepted: [], rejected: [], removed: [], absentMeansDeleted: true, responseVersion: "v1", ...b };
}

describe("ResourceStore", () => {
  it("batches subscription changes per type and forgets a resource with its last watcher", async () => {
    const { s, changes } = store();
    const c1 = s.watch("Cluster", "a", new RecordingWatcher());
    const c2 = s.watch("Cluster", "a", new RecordingWatcher());
    s.watch("Cluster", "b", new RecordingWatcher());
    await settle(0);
    assert.deepEqual(changes, ["Cluster"]);
    assert.deepEqual(s.subscribedNames(type), ["a", "b"]);
    c1();
    c1();
    await settle(0);
    assert.deepEqual(changes, ["Cluster"], "a still has a watcher");
    c2();
    await settle(0);
    assert.deepEqual(changes, ["Cluster", "Cluster"]);
    assert.deepEqual(s.subscribedNames(type), ["b"]);
  });

  it("does not notify a resend of the same bytes, nor the same NACK twice", () => {
    const { s } = store();
    const w = new RecordingWatcher<ValidatedCluster>();
    s.watch("Cluster", "a", w);
    s.apply(type, batch({ accepted: [accepted("a")] }));
    s.apply(type, batch({ accepted: [accepted("a", "a", "v2")], responseVersion: "v2" }));
    assert.equal(w.count("update"), 1);
    assert.equal(s.dump()[0].version, "v2");
    const reasons = s.apply(type, batch({ rejected: [{ name: "a", errors: ['Cluster "a": broken'] }] }));
    assert.deepEqual(reasons, ['Cluster "a": broken']);
    s.apply(type, batch({ rejected: [{ name: "a", errors: ['Cluster "a": broken'] }] }));
    assert.equal(w.count("error"), 1);
    assert.equal(s.dump()[0].state, "nacked");
  });

  it("deletes nothing when a response holds a resource it could not even name", () => {
    const { s } = store();
    const w = new RecordingWatcher<ValidatedCluster>();
    s.watch("Cluster", "a", w);
    s.apply(type, batch({ accepted: [accepted("a")] }));
    const reasons = s.apply(type, batch({ rejected: [{ errors: ["cannot decode Cluster"] }] }));
    assert.deepEqual(reasons, ["cannot decode Cluster"]);
    assert.equal(w.count("does_not_exist"), 0);
    s.apply(type, batch({}));
    assert.equal(w.count("does_not_exist"), 1, "an empty response deletes it");
  });

  it("tells a late watcher what the cache knows, after watch() returns", async () => {
    const { s } = store();
    s.watch("Cluster", "a", new RecordingWatcher());
    s.watch("Cluster", "gone", new RecordingWatcher());
    s.apply(type, batch({ accepted: [accepted("a")], absentMeansDeleted: false }));
    s.apply(
      type,
      batch({ rejected: [{ name: "a", errors: ["bad"] }], removed: ["gone"], absentMeansDeleted: false }),
    );
    const late = new RecordingWatcher<ValidatedCluster>();
    s.watch("Cluster", "a", late);
    assert.equal(late.events.length, 0, "nothing synchronously");
    await settle(0);
    assert.deepEqual(
      late.events.map((e) => e.kind),
      ["update", "error"],
    );
    const lateGone = new RecordingWatcher<ValidatedCluster>();
    s.watch("Cluster", "gone", lateGone);
    await settle(0);
    assert.deepEqual(
      lateGone.events.map((e) => e.kind),
      ["does_not_exist"],
    );
  });

  it("runs does-not-exist timers only while connected", async () => {
    const { s } = store({ timeoutMs: 50 });
    const w = new RecordingWatcher<ValidatedCluster>();
    s.watch("Cluster", "a", w);
    s.requestsSent(type);
    await settle(120);
    assert.equal(w.count("does_not_exist"), 0, "not connected: no timer");
    s.setConnected(true);
    s.requestsSent(type);
    s.setConnected(false);
    await settle(120);
    assert.equal(w.count("does_not_exist"), 0, "disconnecting stops the timer");
    s.setConnected(true);
    s.requestsSent(type);
    await settle(120);
    assert.equal(w.count("does_not_exist"), 1);
    s.close();
  });

  it("keeps going when a watcher throws, and logs it", () => {
    const { s, warnings } = store();
    const good = new RecordingWatcher<ValidatedCluster>();
    s.watch("Cluster", "a", {
      onUpdate() {
        throw new Error("watcher bug");
      },
    });
    s.watch("Cluster", "a", good);
    s.apply(type, batch({ accepted: [accepted("a")] }));
    assert.equal(good.count("update"), 1);
    assert.ok(warnings.some((w) => w.includes("watcher bug")));
  });

  it("with ignore_resource_deletion keeps the resource and warns", () => {
    const { s, warnings } = store({ ignoreResourceDeletion: true });
    const w = new RecordingWatcher<ValidatedCluster>();
    s.watch("Cluster", "a", w);
    s.apply(type, batch({ accepted: [accepted("a")] }));
    s.apply(type, batch({}));
    assert.equal(w.count("does_not_exist"), 0);
    assert.equal(s.dump()[0].state, "acked");
    assert.equal(warnings.length, 1);
  });
});
