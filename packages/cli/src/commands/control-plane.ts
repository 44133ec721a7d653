// `dubbo-mesh control-plane`: runs the control plane until SIGINT/SIGTERM. Prints one line with
// `ready` once xDS and the HTTP API serve, which scripts and tests wait for.
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { ControlPlane, formatProblem } from "@dubbo-mesh/control-plane";
import type { Command } from "commander";
import { milliseconds, portNumber } from "../usage-error.js";

interface ControlPlaneFlags {
  config?: string;
  host: string;
  port: number;
  httpPort?: number;
  token?: string;
  debounceMs: number;
  debounceMaxMs: number;
  graceMs: number;
  zookeeper?: string;
  zookeeperNamespace: string;
}

export function controlPlaneCommand(program: Command): void {
  program
    .command("control-plane")
    .description("run the xDS control plane: Istio resources and Dubbo rules in, xDS out")
    .option("-c, --config <dir>", "config directory to watch (YAML/JSON); API writes are saved there")
    .option("--host <host>", "address to bind", "127.0.0.1")
    .option("-p, --port <port>", "xDS and HTTP API port", portNumber, 15010)
    .option("--http-port <port>", "also serve the HTTP API, debug and metrics on this port", portNumber)
    .option(
      "--token <token>",
      "bearer token for API writes (default: $DUBBO_MESH_TOKEN, else a random one, printed)",
    )
    .option("--debounce-ms <ms>", "quiet time before a push", milliseconds, 100)
    .option("--debounce-max-ms <ms>", "longest a push may be delayed", milliseconds, 10_000)
    .option("--grace-ms <ms>", "how long a disconnected workload stays registered", milliseconds, 10_000)
    .option(
      "--zookeeper <address>",
      "sync the providers of this Dubbo ZooKeeper registry (host:port[,host:port][/chroot]) into the mesh",
    )
    .option("--zookeeper-namespace <ns>", "namespace of the services synced from ZooKeeper", "default")
    .action(async (flags: ControlPlaneFlags) => {
      const token = flags.token ?? process.env.DUBBO_MESH_TOKEN ?? randomBytes(18).toString("base64url");
      const cp = new ControlPlane({
        ...(flags.config === undefined ? {} : { configDir: resolve(flags.config) }),
        host: flags.host,
        port: flags.port,
        ...(flags.httpPort === undefined ? {} : { httpPort: flags.httpPort }),
        token,
        debounce: { quietMs: flags.debounceMs, maxMs: flags.debounceMaxMs },
        registrationGraceMs: flags.graceMs,
        ...(flags.zookeeper === undefined
          ? {}
          : { zookeeper: { address: flags.zookeeper, namespace: flags.zookeeperNamespace } }),
      });
      const addr = await cp.start();
      for (const p of cp.store.problems()) console.error(formatProblem(p));
      const snap = cp.store.snapshot();
      console.log(
        `config: ${snap.resources.size} resources${flags.config === undefined ? " (in memory)" : ` from ${resolve(flags.config)}`}`,
      );
      if (flags.zookeeper !== undefined)
        console.log(`zookeeper: syncing ${flags.zookeeper} into namespace ${flags.zookeeperNamespace}`);
      if (flags.token === undefined && process.env.DUBBO_MESH_TOKEN === undefined)
        console.log(`api token: ${token}`);
      console.log(
        `dubbo-mesh control plane ready: xDS and API on ${addr.host}:${addr.port}${addr.httpPort === undefined ? "" : `, HTTP also on ${addr.httpPort}`}`,
      );
      await new Promise<void>((done) => {
        for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => done());
      });
      await cp.close();
    });
}
