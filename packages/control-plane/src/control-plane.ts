// The control plane process: config store (directory + HTTP API), service registry (ADS
// auto-registration, ServiceEntry/WorkloadEntry), translator, ADS server, debug and metrics -- xDS
// and HTTP on one port (our Triple server hands non-RPC HTTP/1.1 requests to the HTTP router), and
// optionally HTTP on a port of its own as well.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createTripleServer, type TripleServer } from "@dubbo-mesh/triple";
import { AdsServer } from "./ads/ads-server.js";
import type { DebounceOptions } from "./ads/debouncer.js";
import { API_PREFIX, configApi } from "./api/config-api.js";
import { ConfigDirectory } from "./config/config-directory.js";
import { ConfigStore } from "./config/config-store.js";
import { ConfigWriter } from "./config/config-writer.js";
import { registerDebugEndpoints } from "./debug/debug-endpoints.js";
import { XdsMetrics } from "./debug/xds-metrics.js";
import { sendText } from "./http/http-io.js";
import { HttpRouter } from "./http/http-router.js";
import { AutoRegistration } from "./registry/auto-registration.js";
import { syncConfigEndpoints } from "./registry/config-endpoints.js";
import { ServiceRegistry } from "./registry/service-registry.js";
import { ZookeeperSync, type ZookeeperSyncOptions } from "./registry/zookeeper/zookeeper-sync.js";
import type { TranslateOptions } from "./translate/translate-options.js";

export interface ControlPlaneOptions {
  /** Watched config directory; API writes are persisted there. Without it, config lives in memory. */
  configDir?: string;
  host?: string;
  /** xDS (gRPC) and HTTP port; 0 picks a free one. */
  port?: number;
  /** Also serve the HTTP endpoints (API, debug, metrics) on this port. */
  httpPort?: number;
  /** Bearer token for API writes; without it writes are refused. */
  token?: string;
  /** Push debounce (default 100 ms quiet, 10 s max, as istiod). */
  debounce?: DebounceOptions;
  /** How long an auto-registered workload outlives its ADS stream (default 10 s). */
  registrationGraceMs?: number;
  translate?: Partial<TranslateOptions>;
  /** Sync a Dubbo ZooKeeper registry's providers into the mesh: a connect string or the full options. */
  zookeeper?: string | ZookeeperSyncOptions;
}

export interface ControlPlaneAddress {
  host: string;
  port: number;
  httpPort?: number;
}

export class ControlPlane {
  readonly store = new ConfigStore();
  readonly registry = new ServiceRegistry();
  readonly http = new HttpRouter();
  readonly metrics = new XdsMetrics();
  readonly directory: ConfigDirectory | undefined;
  readonly writer: ConfigWriter;
  readonly autoRegistration: AutoRegistration;
  readonly ads: AdsServer;
  readonly zookeeper: ZookeeperSync | undefined;
  private triple: TripleServer | undefined;
  private httpServer: Server | undefined;
  private address: ControlPlaneAddress | undefined;
  private readonly stopSync: () => void;
  /**
   * HTTP/1.1 sockets handed over by the Triple server: its close() cannot end idle keep-alive
   * connections it did not accept itself, so we end them here.
   */
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: ControlPlaneOptions = {}) {
    this.directory =
      options.configDir === undefined ? undefined : new ConfigDirectory(options.configDir, this.store);
    this.writer = new ConfigWriter(this.store, this.directory);
    this.autoRegistration = new AutoRegistration(this.registry, () => this.store.snapshot(), {
      ...(options.registrationGraceMs === undefined ? {} : { graceMs: options.registrationGraceMs }),
      ...(options.translate?.domain === undefined ? {} : { domain: options.translate.domain }),
    });
    this.stopSync = syncConfigEndpoints(this.store, this.registry, options.translate?.domain);
    this.ads = new AdsServer(this.store, this.registry, this.autoRegistration, this.metrics, {
      ...(options.debounce === undefined ? {} : { debounce: options.debounce }),
      ...(options.translate === undefined ? {} : { translate: options.translate }),
    });
    const zk = options.zookeeper;
    this.zookeeper =
      zk === undefined
        ? undefined
        : new ZookeeperSync(this.registry, {
            ...(options.translate?.domain === undefined ? {} : { domain: options.translate.domain }),
            ...(typeof zk === "string" ? { address: zk } : zk),
          });
    const api = configApi({ store: this.store, writer: this.writer, token: options.token });
    this.http.add(API_PREFIX, api).add("/api/v1", api);
    registerDebugEndpoints(this.http, { ads: this.ads, store: this.store, registry: this.registry });
    this.http.add("/metrics", async (_req, res) => {
      this.metrics.configProblems.set(
        new Set(
          this.store
            .problems()
            .filter((p) => p.severity === "error")
            .map((p) => p.file),
        ).size,
      );
      sendText(res, 200, await this.metrics.registry.metrics(), this.metrics.registry.contentType);
    });
    this.http.add("/healthz", (_req, res) => sendText(res, 200, "ok\n"));
    this.http.add("/ready", (_req, res) =>
      sendText(
        res,
        this.address === undefined ? 503 : 200,
        this.address === undefined ? "starting\n" : "ready\n",
      ),
    );
  }

  async start(): Promise<ControlPlaneAddress> {
    this.directory?.start();
    this.zookeeper?.start();
    this.triple = createTripleServer({
      httpFallback: (req, res) => {
        this.trackSocket(req.socket);
        this.http.handle(req, res);
      },
    });
    this.ads.register(this.triple);
    const bindHost = this.options.host ?? "127.0.0.1";
    const { host, port } = await this.triple.listen({ host: bindHost, port: this.options.port ?? 0 });
    let httpPort: number | undefined;
    if (this.options.httpPort !== undefined) {
      const server = createServer(this.http.handle);
      this.httpServer = server;
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(this.options.httpPort, bindHost, () => resolve());
      });
      httpPort = (server.address() as AddressInfo).port;
    }
    this.address = { host, port, ...(httpPort === undefined ? {} : { httpPort }) };
    return this.address;
  }

  private trackSocket(socket: Socket): void {
    if (this.sockets.has(socket)) return;
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  get port(): number {
    return this.address?.port ?? 0;
  }

  async close(): Promise<void> {
    this.directory?.close();
    this.ads.close();
    await this.zookeeper?.close();
    this.stopSync();
    this.autoRegistration.close();
    const http = this.httpServer;
    if (http !== undefined) {
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    }
    const triple = this.triple?.close({ graceMs: 500 });
    for (const s of this.sockets) s.destroy();
    await triple;
  }
}
