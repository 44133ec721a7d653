import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceRegistration } from "@dubbo-mesh/dubbo";
import {
  type Logger,
  ZkSession,
  type ZookeeperDiscovery,
  type ZookeeperDiscoveryOptions,
  zookeeperDiscovery,
} from "../../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "../../../..");

/** A registration of an IDL-less Java-style service, for tests that only care about the registry. */
export function demoRegistration(
  port: number,
  extra: Partial<ServiceRegistration> = {},
): ServiceRegistration {
  return {
    interface: "org.example.DemoService",
    application: "demo-provider",
    host: "127.0.0.1",
    port,
    protocol: "tri",
    methods: ["sayHello", "echo"],
    group: "g1",
    version: "1.0.0",
    ...extra,
  };
}

/** Discoveries (and raw sessions) opened by a test, closed by `closeAll` in afterEach. */
export class Opened {
  private readonly closers: Array<() => Promise<void>> = [];

  discovery(options: ZookeeperDiscoveryOptions): ZookeeperDiscovery {
    const d = zookeeperDiscovery({ sessionTimeoutMs: 4_000, operationTimeoutMs: 5_000, ...options });
    this.closers.push(() => d.close());
    return d;
  }

  /** A plain session to look at (or tamper with) ZooKeeper the way another program would. */
  async session(address: string, logger?: Logger): Promise<ZkSession> {
    const s = new ZkSession({ address, sessionTimeoutMs: 4_000, operationTimeoutMs: 5_000, logger });
    this.closers.push(() => s.close());
    await s.waitConnected();
    return s;
  }

  track(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  async closeAll(): Promise<void> {
    // In reverse order: a proxy a discovery talks through must outlive the discovery's goodbye.
    for (const close of this.closers.splice(0).reverse()) await close().catch(() => {});
  }
}

export interface ProviderProcess {
  pid: number;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts test/support/provider-process.ts in its own Node process and waits until it has registered. */
export async function startProviderProcess(args: {
  address: string;
  mode: "interface" | "instance" | "all";
  sessionTimeoutMs: number;
  registration: ServiceRegistration;
}): Promise<ProviderProcess> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=source", join(here, "provider-process.ts"), JSON.stringify(args)],
    { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.once("exit", () => child.kill("SIGKILL"));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`provider process did not register:\n${output}`)),
      30_000,
    );
    child.stderr?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
      if (output.includes("registered")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`provider process exited early:\n${output}`));
    });
  });
  return {
    pid: child.pid ?? -1,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
