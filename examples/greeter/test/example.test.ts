import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../..", import.meta.url));

describe("the README's commands", () => {
  it("`npm run example:greeter -- --port 0` prints listening and serves curl", async () => {
    const child = spawn("npm", ["run", "--silent", "example:greeter", "--", "--port", "0"], {
      cwd: root,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listening line; output: ${out}`)), 30_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on [\d.]+:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const body = await new Promise<string>((resolve, reject) =>
        execFile(
          "curl",
          [
            "-s",
            "-H",
            "content-type: application/json",
            "-d",
            '{"name":"readme"}',
            `http://127.0.0.1:${port}/greet.v1.GreetService/Greet`,
          ],
          (err, stdout) => (err ? reject(err) : resolve(stdout)),
        ),
      );
      assert.deepEqual(JSON.parse(body), { greeting: "Hello, readme" });
    } finally {
      if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
      await once(child, "exit");
    }
  });

  it("`npm run example:demo-rpc -- --once` serves two versions and calls them over gRPC and HTTP/1.1", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "npm",
        ["run", "--silent", "example:demo-rpc", "--", "--once", "--port", "0"],
        { cwd: root, timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    assert.match(out, /gRPC\/HTTP2 {2}v1 +-> Hello, dubbo from v1/);
    assert.match(out, /gRPC\/HTTP2 {2}v2 +-> Hello, dubbo from v2/);
    assert.match(out, /Triple JSON\/HTTP1\.1 v1 +-> Hello, dubbo from v1/);
    assert.match(out, /error +-> code 3:/);
  });
});
