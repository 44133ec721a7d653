import assert from "node:assert/strict";
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConfigDirectory } from "../src/config/config-directory.js";
import { type ConfigChange, ConfigStore } from "../src/config/config-store.js";
import { waitFor } from "./support/wait.js";

const dr = (subset: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: greeter, namespace: demo}
spec:
  host: greeter
  subsets:
  - name: ${subset}
    labels: {version: ${subset}}
`;

describe("config directory", () => {
  const dir = mkdtempSync(join(tmpdir(), "cp-config-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads, watches, keeps the last good content of a bad file, and drops deleted files", async () => {
    writeFileSync(join(dir, "dr.yaml"), dr("v1"));
    const store = new ConfigStore();
    const changes: ConfigChange[] = [];
    store.subscribe((c) => changes.push(c));
    const rejected: string[] = [];
    const d = new ConfigDirectory(dir, store, { debounceMs: 20, onProblems: (f) => rejected.push(f) });
    d.start();
    try {
      const subsetOf = () => {
        const r = store.snapshot().get("DestinationRule", "demo", "greeter");
        return r?.spec.subsets[0]?.name;
      };
      assert.equal(subsetOf(), "v1");

      writeFileSync(join(dir, "dr.yaml"), dr("v2"));
      await waitFor("the edit", () => subsetOf() === "v2");
      assert.deepEqual(changes.at(-1)?.changes, [
        { key: "DestinationRule/demo/greeter", kind: "DestinationRule", type: "updated" },
      ]);

      // A bad edit: rejected with its location, the last good DestinationRule stays in force.
      writeFileSync(join(dir, "dr.yaml"), dr("v3").replace("labels: {version: v3}", "labels: [v3]"));
      await waitFor("the rejection", () => rejected.includes("dr.yaml"));
      assert.equal(subsetOf(), "v2");
      assert.match(store.problems()[0].message, /spec\.subsets\[0\]\.labels: must be a map/);
      assert.equal(store.problems()[0].line, 8);

      // Fixed again: problems clear.
      writeFileSync(join(dir, "dr.yaml"), dr("v4"));
      await waitFor("the fix", () => subsetOf() === "v4");
      assert.deepEqual(store.problems(), []);

      // A second file defining the same resource loses to the first and says so.
      writeFileSync(join(dir, "zz-dup.yaml"), dr("v9"));
      await waitFor("the conflict", () => store.problems().length > 0);
      assert.match(store.problems()[0].message, /already defined in dr\.yaml:1/);
      assert.equal(subsetOf(), "v4");

      unlinkSync(join(dir, "dr.yaml"));
      await waitFor("the delete to hand over to the other file", () => subsetOf() === "v9");
      unlinkSync(join(dir, "zz-dup.yaml"));
      await waitFor("the delete", () => subsetOf() === undefined);
    } finally {
      d.close();
    }
  });
});
