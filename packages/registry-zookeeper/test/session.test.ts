import assert from "node:assert/strict";
import { connect, createServer, type Socket } from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import zookeeper from "node-zookeeper-client";
import { ZkSession } from "../src/index.js";
import { OwnedNodes } from "../src/owned-nodes.js";
import { WatchHub } from "../src/watch-hub.js";
import { Opened } from "./support/fixtures.js";
import { Recorder, waitFor } from "./support/wait.js";
import { hasZooKeeper, startTcpProxy, startZooKeeper, type ZooKeeperServer } from "./support/zookeeper.js";

/** node-zookeeper-client accepts these too (to resume a session); its typings leave them out. */
interface ResumeOptions extends Partial<zookeeper.Option> {
  sessionId: Buffer;
  sessionPassword: Buffer;
}

/**
 * Ends another client's session on the server: attach to it with its id and password, then close it.
 * The original client must not be able to reconnect meanwhile (it would take the session back), so
 * callers keep it behind a blocked proxy while this runs.
 */
async function closeSessionFromOutside(address: string, session: ZkSession): Promise<void> {
  const { id, password } = session.credentials();
  const options: ResumeOptions = { sessionTimeout: 4_000, sessionId: id, sessionPassword: password };
  const intruder = zookeeper.createClient(address, options);
  await new Promise<void>((resolve) => {
    intruder.once("connected", () => {
      intruder.once("disconnected", () => resolve());
      intruder.close();
    });
    intruder.connect();
  });
}

describe("ZkSession and owned nodes against a real ZooKeeper", {
  skip: hasZooKeeper() ? false : "ZooKeeper is not installed (apt-get install zookeeper)",
  timeout: 60_000,
}, () => {
  let zk: ZooKeeperServer;
  const opened = new Opened();
  before(async () => {
    zk = await startZooKeeper();
  });
  after(() => zk?.stop());
  afterEach(() => opened.closeAll());

  it("a session the server expires is replaced by a new one; owned nodes and watches come back", async () => {
    const proxy = await startTcpProxy(zk.port);
    opened.track(() => proxy.close());
    const warnings: string[] = [];
    const session = await opened.session(proxy.address, { warn: (m) => warnings.push(m) });
    const owned = new OwnedNodes(session);
    const hub = new WatchHub(session);
    opened.track(async () => {
      owned.close();
      hub.close();
    });
    const events = new Recorder<{ newSession: boolean }>();
    session.onConnected(events.listener);
    await owned.put({ path: "/owned/a", data: Buffer.from("1") });
    const children = new Recorder<readonly string[] | undefined>();
    hub.watchChildren("/owned", children.listener);
    await children.until("a", (c) => c?.join() === "a");
    const before = session.credentials().id.toString("hex");

    proxy.block();
    await closeSessionFromOutside(zk.address, session);
    proxy.unblock();
    // Well inside the 4 s session timeout, so it is the server's "expired", not our own give-up timer.
    await events.until("a new session", (e) => e.newSession, 3_000);
    assert.notEqual(session.credentials().id.toString("hex"), before);
    assert.ok(
      warnings.some((w) => /expired; opening a new session/.test(w) && !/presumed/.test(w)),
      String(warnings),
    );
    const raw = await opened.session(zk.address);
    const node = await waitFor("the node re-created", () => raw.getData("/owned/a"));
    assert.equal(node.data.toString(), "1");
    assert.ok(session.ownsEphemeral(node.stat), "owned by the new session");
    // The watch was re-set on the new session.
    await raw.create("/owned/b", Buffer.alloc(0), "ephemeral");
    await children.until("a,b", (c) => c?.join() === "a,b");
  });

  it("an ephemeral node left by another session under our name is replaced, not adopted", async () => {
    const stale = await opened.session(zk.address);
    await stale.ensurePath("/taken");
    await stale.create("/taken/node", Buffer.from("old"), "ephemeral");
    const session = await opened.session(zk.address);
    const owned = new OwnedNodes(session);
    opened.track(async () => owned.close());
    await owned.put({ path: "/taken/node", data: Buffer.from("new") });
    const node = await session.getData("/taken/node");
    assert.equal(node?.data.toString(), "new");
    assert.ok(node && session.ownsEphemeral(node.stat));
    await stale.close(); // the old session's end must not take our node with it
    assert.equal((await session.getData("/taken/node"))?.data.toString(), "new");
  });

  it("a server that accepts the connection but never answers the handshake does not hold the client", async () => {
    // The first connection is accepted and ignored (what a restarting ZooKeeper 3.8 sometimes does);
    // later ones are passed through to the real server.
    let connections = 0;
    const held: Socket[] = [];
    const server = createServer((client) => {
      connections++;
      if (connections === 1) {
        held.push(client);
        client.on("error", () => {});
        return;
      }
      const upstream = connect(zk.port, "127.0.0.1");
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
      held.push(client, upstream);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    opened.track(async () => {
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const port = (server.address() as { port: number }).port;
    const started = Date.now();
    const session = new ZkSession({ address: `127.0.0.1:${port}`, sessionTimeoutMs: 3_000 });
    opened.track(() => session.close());
    await session.waitConnected(8_000);
    assert.ok(connections >= 2, "it gave up on the silent connection and tried again");
    assert.ok(Date.now() - started < 5_000, `connected after ${Date.now() - started} ms`);
  });

  it("close() while ZooKeeper is unreachable returns promptly and stays closed", async () => {
    const session = new ZkSession({
      address: "127.0.0.1:1",
      sessionTimeoutMs: 2_000,
      operationTimeoutMs: 500,
    });
    const waiting = session.waitConnected(10_000);
    const started = Date.now();
    await session.close();
    assert.ok(Date.now() - started < 1_000);
    await assert.rejects(waiting, /closed/);
    await assert.rejects(session.getData("/x"), /closed/);
    assert.equal(session.state, "closed");
  });
});
