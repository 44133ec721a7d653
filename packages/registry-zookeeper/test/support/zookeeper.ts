// A private ZooKeeper server per test file: Debian's `zookeeper` package jars run by `java` directly
// (ZooKeeperServerMain, standalone), on a free loopback port with its own data directory in a temp folder.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's jar; its manifest Class-Path pulls in jute, netty, slf4j and the rest from /usr/share/java. */
const DEBIAN_JAR = "/usr/share/java/zookeeper.jar";
const MAIN = "org.apache.zookeeper.server.ZooKeeperServerMain";
const START_TIMEOUT_MS = 30_000;
/** Halves JVM start-up on a small machine; a test ZooKeeper needs neither JIT tiers nor a big heap. */
const JVM_ARGS = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m"];

export interface ZooKeeperServer {
  readonly port: number;
  /** Connect string, "127.0.0.1:<port>". */
  readonly address: string;
  readonly dataDir: string;
  /** Milliseconds the last start took (spawn until `ruok` answered `imok`). */
  readonly startMs: number;
  /** SIGKILL, as in a crash: the data stays on disk. */
  kill(): Promise<void>;
  /** Starts again on the same port; with `wipe` the data (sessions included) is deleted first. */
  restart(options?: { wipe?: boolean }): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** ZooKeeper's tick; session expiry is checked once per tick, and the minimum session timeout is 2 ticks. */
  tickTimeMs?: number;
}

/** The classpath to run ZooKeeper with: $ZOOKEEPER_CLASSPATH, or the Debian package's jar. */
export function zooKeeperClasspath(): string | undefined {
  const fromEnv = process.env["ZOOKEEPER_CLASSPATH"];
  if (fromEnv) return fromEnv;
  return existsSync(DEBIAN_JAR) ? DEBIAN_JAR : undefined;
}

/** True when ZooKeeper and java are installed, so tests can skip with a reason instead of failing. */
export function hasZooKeeper(): boolean {
  return (
    zooKeeperClasspath() !== undefined && spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0
  );
}

const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of live) {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
});

export async function startZooKeeper(options: StartOptions = {}): Promise<ZooKeeperServer> {
  const classpath = zooKeeperClasspath();
  if (classpath === undefined)
    throw new Error(`ZooKeeper not installed (${DEBIAN_JAR}; apt-get install zookeeper)`);
  const folder = mkdtempSync(join(tmpdir(), "zk-test-"));
  const dataDir = join(folder, "data");
  const tick = options.tickTimeMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    mkdirSync(dataDir, { recursive: true });
    const cfg = join(folder, "zoo.cfg");
    writeFileSync(
      cfg,
      [
        `tickTime=${tick}`,
        `dataDir=${dataDir}`,
        `clientPort=${port}`,
        "clientPortAddress=127.0.0.1",
        `minSessionTimeout=${2 * tick}`,
        "maxSessionTimeout=60000",
        "maxClientCnxns=0",
        "admin.enableServer=false",
        "4lw.commands.whitelist=ruok,srvr,stat,cons",
        // No fsync per write: the data still reaches the OS, so it survives a SIGKILL of the server.
        "forceSync=no",
        "preAllocSize=4096",
        "",
      ].join("\n"),
    );
    const server = new JavaZooKeeper(classpath, cfg, folder, dataDir, port);
    try {
      await server.start();
      return server;
    } catch (error) {
      await server.kill();
      // The port we probed may have been taken meanwhile: try another one.
      if (attempt >= 3 || !/BindException|Address already in use|exited/.test(String(error))) {
        rmSync(folder, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

class JavaZooKeeper implements ZooKeeperServer {
  private child: ChildProcess | undefined;
  private output = "";
  startMs = 0;

  constructor(
    private readonly classpath: string,
    private readonly cfg: string,
    private readonly folder: string,
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const started = Date.now();
    this.output = "";
    const child = spawn("java", [...JVM_ARGS, "-cp", this.classpath, MAIN, this.cfg], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    live.add(child);
    child.once("exit", () => live.delete(child));
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-16_384);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const deadline = started + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `ZooKeeper exited (${child.exitCode ?? child.signalCode}) during start:\n${this.output}`,
        );
      }
      if ((await fourLetter(this.port, "ruok").catch(() => "")) === "imok") break;
      if (Date.now() > deadline)
        throw new Error(`ZooKeeper did not answer ruok within ${START_TIMEOUT_MS} ms:\n${this.output}`);
      await sleep(100);
    }
    this.startMs = Date.now() - started;
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  }

  async restart(options: { wipe?: boolean } = {}): Promise<void> {
    await this.kill();
    if (options.wipe) {
      rmSync(this.dataDir, { recursive: true, force: true });
      mkdirSync(this.dataDir, { recursive: true });
    }
    await this.start();
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Sends a ZooKeeper four-letter command and returns the answer. */
export function fourLetter(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(command));
    let answer = "";
    socket.setEncoding("utf8");
    socket.setTimeout(2_000, () => socket.destroy(new Error("timeout")));
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
  });
}

export interface TcpProxy {
  readonly port: number;
  readonly address: string;
  /** Cuts every connection and refuses new ones, as a network partition would. */
  block(): void;
  unblock(): void;
  close(): Promise<void>;
}

/**
 * A loopback TCP proxy in front of ZooKeeper. Blocking it for longer than a client's session timeout
 * expires that client's session for real (the server stays up and times it out), while other clients
 * that connect directly keep theirs: the way to test session expiry without hooks in either side.
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let blocked = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop);
    upstream.on("error", drop);
    client.on("close", drop);
    upstream.on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    block() {
      blocked = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    unblock() {
      blocked = false;
    },
    close() {
      blocked = true;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
