import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { ControlPlane, parseResources } from "@dubbo-mesh/control-plane";
import { createTripleServer, type TripleServer } from "@dubbo-mesh/triple";
import { runCli } from "../src/program.js";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const NODE_ARGS = ["--import", "tsx", "--conditions=source", MAIN];

function run(args: string[]) {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], { encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("dubbo-mesh CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "cli-"));
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 2 with a clear message on bad arguments", async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: dubbo-mesh/],
      [["nope"], /unknown command 'nope'/],
      [["control-plane", "--port", "abc"], /"abc" is not a port number/],
      [["call", "http://127.0.0.1:1"], /missing required argument 'method'/],
      [["call", "http://127.0.0.1:1", "NoSlash"], /"NoSlash" is not <service>\/<method>/],
      [["call", "ftp://x", "a.B/C"], /unsupported scheme "ftp:"/],
      [["call", "http://127.0.0.1:1", "a.B/C", "-d", "{oops"], /-d is not valid JSON/],
      [["call", "http://127.0.0.1:1", "a.B/C", "-n", "0"], /"0" is not a positive integer/],
      [["call", "xds://authority/greeter:50051", "a.B/C"], /is not xds:\/\/\/host:port/],
    ];
    for (const [args, message] of cases) {
      let stderr = "";
      const code = await runCli(args, {
        out: () => {},
        err: (t) => {
          stderr += t;
        },
      });
      assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
      assert.match(stderr, message, args.join(" "));
    }
    // And the binary exits with it: an xds target without a bootstrap.
    const r = spawnSync(process.execPath, [...NODE_ARGS, "call", "xds:///greeter:50051", "a.B/C"], {
      encoding: "utf8",
      env: { ...process.env, GRPC_XDS_BOOTSTRAP: "", GRPC_XDS_BOOTSTRAP_CONFIG: "" },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /xds targets need a bootstrap/);
  });

  it("runs the control plane (prints `ready`) and calls it with JSON", async () => {
    writeFileSync(
      join(dir, "mesh.yaml"),
      "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: vm, namespace: demo}\nspec:\n  address: 10.0.0.1\n  labels: {app: greeter}\n  ports: {grpc: 50051}\n",
    );
    const cp = spawn(
      process.execPath,
      [...NODE_ARGS, "control-plane", "--config", dir, "--port", "0", "--token", "tkn"],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    children.push(cp);
    const ready = await new Promise<string>((resolve, reject) => {
      createInterface({ input: cp.stdout! }).on("line", (l) => {
        if (l.includes("ready")) resolve(l);
      });
      cp.on("exit", (c) => reject(new Error(`exited ${c}`)));
    });
    const port = Number(/:(\d+)$/.exec(ready)?.[1]);
    assert.ok(port > 0, ready);
    // The control plane is itself a Triple server: its health service answers JSON over Triple.
    const ok = run([
      "call",
      `http://127.0.0.1:${port}`,
      "grpc.health.v1.Health/Check",
      "-d",
      "{}",
      "-n",
      "3",
      "--stats",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /\{"status":"SERVING"\}/);
    assert.match(ok.stdout, new RegExp(`endpoint http://127.0.0.1:${port}: 3`));
    assert.match(ok.stdout, /status OK: 3/);
    const missing = run(["call", `http://127.0.0.1:${port}`, "nope.Service/Method"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ERROR: unimplemented/i);
    // The config directory was loaded.
    const reg = (await (await fetch(`http://127.0.0.1:${port}/debug/registryz`)).json()) as {
      host: string;
    }[];
    assert.deepEqual(
      reg.map((s) => s.host),
      ["greeter.demo.svc.cluster.local"],
    );
    cp.kill("SIGTERM");
    const code = await new Promise((r) => cp.on("exit", r));
    assert.equal(code, 0);
  });

  it("calls an xds:/// target through the control plane, round robin over the endpoints, with --stats", async () => {
    const raw = { parse: (b: Uint8Array) => b, serialize: (v: unknown) => v as Uint8Array };
    const servers: TripleServer[] = [];
    let port = 0;
    for (const [ip, name] of [
      ["127.0.0.2", "v1"],
      ["127.0.0.3", "v2"],
    ] as const) {
      const s = createTripleServer({ health: false, reflection: false });
      s.registerMethod({
        info: { service: "test.Echo", method: "Whoami", kind: "unary" },
        input: { proto: raw, json: raw },
        output: { proto: raw, json: raw },
        group: "",
        version: "",
        handler: () => Buffer.from(JSON.stringify({ server: name })),
      });
      port = (await s.listen({ host: ip, port })).port;
      servers.push(s);
    }
    const cp = new ControlPlane({ debounce: { quietMs: 10 } });
    const cpPort = (await cp.start()).port;
    try {
      const we = (name: string, ip: string) =>
        `apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: ${name}, namespace: demo}\nspec:\n  address: ${ip}\n  labels: {app: greeter}\n  ports: {grpc: ${port}}\n`;
      cp.store.setSource(
        "we.yaml",
        parseResources(`${we("a", "127.0.0.2")}---\n${we("b", "127.0.0.3")}`, "we.yaml").resources,
      );
      while (!cp.ads.isCurrent()) await new Promise((r) => setTimeout(r, 10));
      const child = spawn(
        process.execPath,
        [
          ...NODE_ARGS,
          "call",
          `xds:///greeter:${port}`,
          "test.Echo/Whoami",
          "-n",
          "10",
          "--stats",
          "-q",
          "--xds-server",
          `127.0.0.1:${cpPort}`,
          "--namespace",
          "demo",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      children.push(child);
      let out = "";
      let err = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d;
      });
      child.stderr!.on("data", (d: Buffer) => {
        err += d;
      });
      const code = await new Promise((r) => child.on("exit", r));
      assert.equal(code, 0, err);
      assert.match(out, /calls: 10, ok: 10, failed: 0/);
      assert.match(out, new RegExp(`endpoint 127\\.0\\.0\\.2:${port}: 5`));
      assert.match(out, new RegExp(`endpoint 127\\.0\\.0\\.3:${port}: 5`));
    } finally {
      await cp.close();
      for (const s of servers) await s.close({ graceMs: 100 });
    }
  });
});
