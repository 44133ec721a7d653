import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const sampleConfig = fileURLToPath(new URL("../config", import.meta.url));

describe("npm start: the demo mesh", { timeout: 120_000 }, () => {
  it("`npm start -- --once` splits 1000 proxyless calls 80/20 between v1 and v2", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "npm",
        ["start", "--silent", "--", "--once", "--xds-port", "0", "--port", "50071"],
        { cwd: root, timeout: 90_000 },
        (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
      ),
    );
    assert.match(out, /control plane ready/);
    const m = /v1 +(\d+)% \| v2 +(\d+)% +\(1000 calls\)/.exec(out);
    assert.ok(m, out);
    // 1000 calls at p = 0.8: 80 ± 5 points is more than 3.9 standard deviations.
    assert.ok(Math.abs(Number(m[1]) - 80) <= 5, out);
  });

  it("editing the VirtualService weights changes the live split within seconds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mesh-demo-"));
    cpSync(sampleConfig, dir, { recursive: true });
    const child = spawn(
      "npm",
      ["start", "--silent", "--", "--xds-port", "0", "--port", "50072", "--config", dir],
      {
        cwd: root,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const waitFor = async (re: RegExp, from: number, ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (re.test(out.slice(from))) return;
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail(`no ${re} within ${ms} ms; output:\n${out}`);
    };
    try {
      await waitFor(/\(100 calls\)/, 0, 60_000);
      const file = join(dir, "greeter.yaml");
      writeFileSync(
        file,
        readFileSync(file, "utf8").replace("weight: 80", "weight: 0").replace("weight: 20", "weight: 100"),
      );
      const editedAt = out.length;
      // After the edit every call goes to v2: a line reading exactly 100 % v2 and no v1.
      await waitFor(/^v2 100% {2}\(100 calls\)$/m, editedAt, 10_000);
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      await once(child, "exit");
    }
  });
});
