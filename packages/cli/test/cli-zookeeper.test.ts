// `dubbo-mesh control-plane --zookeeper <address>`: providers registered in a real ZooKeeper show up
// as mesh services of the running control plane (the sync itself is tested in control-plane).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { zookeeperDiscovery } from "@dubbo-mesh/registry-zookeeper";
import {
  hasZooKeeper,
  startZooKeeper,
  type ZooKeeperServer,
} from "../../registry-zookeeper/test/support/zookeeper.js";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const NODE_ARGS = ["--import", "tsx", "--conditions=source", MAIN];

describe("dubbo-mesh control-plane --zookeeper", {
  skip: hasZooKeeper() ? false : "ZooKeeper is not installed",
  timeout: 60_000,
}, () => {
  let zk: ZooKeeperServer;
  before(async () => {
    zk = await startZooKeeper();
  });
  after(() => zk?.stop());

  it("syncs a provider registered in ZooKeeper into /debug/registryz", async () => {
    const discovery = zookeeperDiscovery({ address: zk.address, mode: "interface" });
    const cp = spawn(
      process.execPath,
      [
        ...NODE_ARGS,
        "control-plane",
        "--port",
        "0",
        "--token",
        "t",
        "--zookeeper",
        zk.address,
        "--zookeeper-namespace",
        "demo",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      await discovery.register({
        interface: "org.example.DemoService",
        application: "demo",
        host: "127.0.0.1",
        port: 7301,
        protocol: "tri",
        methods: ["sayHello"],
        version: "1.0.0",
      });
      const lines: string[] = [];
      const ready = await new Promise<string>((resolve, reject) => {
        createInterface({ input: cp.stdout! }).on("line", (l) => {
          lines.push(l);
          if (l.includes("ready")) resolve(l);
        });
        cp.on("exit", (c) => reject(new Error(`exited ${c}`)));
      });
      assert.ok(
        lines.some((l) => l.includes(`zookeeper: syncing ${zk.address} into namespace demo`)),
        lines.join("\n"),
      );
      const port = Number(/:(\d+)$/.exec(ready)?.[1]);
      type Svc = { host: string; namespace: string; endpoints: Record<string, { address: string }[]> };
      const deadline = Date.now() + 10_000;
      let svc: Svc | undefined;
      while (svc === undefined && Date.now() < deadline) {
        const all = (await (await fetch(`http://127.0.0.1:${port}/debug/registryz`)).json()) as Svc[];
        svc = all.find((s) => s.host === "org.example.demoservice");
        if (svc === undefined) await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(svc?.namespace, "demo");
      assert.deepEqual(
        svc?.endpoints["50051"]?.map((e) => e.address),
        ["127.0.0.1:7301"],
      );
      cp.kill("SIGTERM");
      assert.equal(await new Promise((r) => cp.on("exit", r)), 0);
    } finally {
      cp.kill("SIGKILL");
      await discovery.close();
    }
  });
});
