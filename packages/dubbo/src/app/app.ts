import type { DescService } from "@bufbuild/protobuf";
import {
  createTripleServer,
  type Interceptor,
  type ServiceImpl,
  type TripleServer,
} from "@dubbo-mesh/triple";
import type { ClientOptions } from "../client/client-options.js";
import type { RuleStores } from "../client/live-rules.js";
import { Scheduler } from "../client/scheduler.js";
import { ServiceReference } from "../client/service-reference.js";
import { parseTarget } from "../client/target.js";
import { buildProtobufClient, type DubboClient, protobufMethodSources } from "../client/typed-client.js";
import { parseConfiguratorRule } from "../config/configurator/configurator-rule.js";
import { RuleStore } from "../config/rule-store.js";
import { Directory } from "../directory/directory.js";
import type { Discovery, ServiceRegistration } from "../discovery/discovery.js";
import { staticDiscovery } from "../discovery/static-discovery.js";
import {
  buildInterfaceClient,
  type InterfaceClient,
  interfaceMethodSources,
} from "../interface/interface-client.js";
import {
  type InterfaceDefinition,
  type InterfaceImpl,
  isInterfaceDefinition,
} from "../interface/interface-definition.js";
import { interfaceServerMethods } from "../interface/interface-methods.js";
import { defaultLogger, type Logger } from "../log/logger.js";
import type { MeshOptions, MeshReference, MeshServer } from "../mesh/mesh-options.js";
import { MetricsServer } from "../metrics/metrics-server.js";
import { RpcMetrics } from "../metrics/rpc-metrics.js";
import { parseConditionRule } from "../router/condition/condition-rule.js";
import type { Router } from "../router/router.js";
import { parseTagRule } from "../router/tag/tag-rule.js";
import { clientTracing, serverTracing } from "../tracing/trace-interceptors.js";
import { TransportPool } from "../transport/transport-pool.js";
import { advertiseHost } from "./advertise-host.js";
import { type AppOptions, type ServeOptions, type ServeProtocol, serveProtocols } from "./app-options.js";
import { Dubbo2Exporter } from "./dubbo2-exporter.js";

/** Dubbo-go's consumer-update-wait-time is 3 s; 2 s suits in-cluster registries that push quickly. */
const DEFAULT_UNREGISTER_WAIT_MS = 2000;
const DEFAULT_DRAIN_MS = 10_000;

interface ServedService {
  readonly interface: string;
  readonly methods: readonly string[];
  readonly options: ServeOptions;
}

type State = "new" | "started" | "stopping" | "stopped";

/**
 * An application: serves services on one Triple port, calls others through the SDK's call path,
 * registers with discovery, follows governance rules, exports metrics, shuts down gracefully.
 */
export class DubboApp {
  readonly name: string;
  readonly logger: Logger;
  /** The Triple server (health, reflection, and the served services). */
  readonly server: TripleServer;
  private readonly options: AppOptions;
  private readonly mesh: MeshOptions;
  /** The mesh's provider side (proxyless: the xDS-enabled server), when the adapter has one. */
  private readonly meshServer: MeshServer | undefined;
  private readonly discoveries: readonly Discovery[];
  private readonly rpcMetrics: RpcMetrics | undefined;
  private metricsServer: MetricsServer | undefined;
  private metricsPortValue: number | undefined;
  private readonly pool: TransportPool;
  private readonly rules: RuleStores | undefined;
  private readonly scheduler = new Scheduler();
  private readonly references = new Set<ServiceReference>();
  private readonly served: ServedService[] = [];
  /** Interface services served over Dubbo2; made by the first `serveInterface(..., { protocol: "dubbo" })`. */
  private dubbo2: Dubbo2Exporter | undefined;
  private dubboPortValue: number | undefined;
  private registered: { discovery: Discovery; registration: ServiceRegistration }[] = [];
  private readonly clientInterceptors: readonly Interceptor[];
  private readonly consumerHost: string;
  private state: State = "new";
  private stopping: Promise<void> | undefined;
  private startedAt = 0;
  private address: { host: string; port: number } | undefined;

  constructor(options: AppOptions) {
    if (typeof options.name !== "string" || options.name.trim() === "") {
      throw new TypeError("createApp needs a non-empty name (the Dubbo application name)");
    }
    this.options = options;
    this.name = options.name;
    this.logger = options.logger ?? defaultLogger(options.name);
    this.mesh = options.mesh ?? { mode: "none" };
    const own =
      options.discovery === undefined
        ? []
        : Array.isArray(options.discovery)
          ? options.discovery
          : [options.discovery];
    if (this.mesh.mode === "proxyless") {
      if (this.mesh.adapter === undefined) {
        throw new TypeError(
          'mesh mode "proxyless" needs a MeshAdapter (the xDS integration): { mode: "proxyless", adapter }',
        );
      }
      this.discoveries = [this.mesh.adapter.discovery(), ...own];
    } else {
      this.discoveries = own as readonly Discovery[];
    }
    this.rpcMetrics =
      options.metrics === false ? undefined : new RpcMetrics(options.name, options.metrics?.registry);
    const tracing = options.tracing !== false;
    const serverInterceptors: Interceptor[] = [];
    const clientInterceptors: Interceptor[] = [];
    if (this.rpcMetrics !== undefined) {
      serverInterceptors.push(this.rpcMetrics.interceptor("provider"));
      clientInterceptors.push(this.rpcMetrics.interceptor("consumer"));
    }
    if (tracing) {
      serverInterceptors.push(serverTracing());
      clientInterceptors.push(clientTracing());
    }
    serverInterceptors.push(...(options.interceptors?.server ?? []));
    clientInterceptors.push(...(options.interceptors?.client ?? []));
    this.clientInterceptors = clientInterceptors;
    this.meshServer = this.mesh.mode === "proxyless" ? this.mesh.adapter.server?.() : undefined;
    this.server = createTripleServer({
      ...options.server,
      ...(this.meshServer === undefined ? {} : { admission: this.meshServer.admission }),
      interceptors: serverInterceptors,
      onError:
        options.server?.onError ??
        ((e, where) => this.logger.warn({ where, error: String(e) }, `server error (${where})`)),
    });
    this.pool = new TransportPool(options.transport, options.transportFactory);
    this.consumerHost = options.advertiseHost ?? advertiseHost(undefined);
    if (options.config !== undefined) {
      const source = options.config;
      this.rules = {
        condition: new RuleStore(source, "condition", parseConditionRule, this.logger),
        tag: new RuleStore(source, "tag", parseTagRule, this.logger),
        configurators: new RuleStore(source, "configurators", parseConfiguratorRule, this.logger),
      };
    }
  }

  /** Serves a protobuf service (protoc-gen-es descriptor) under an optional group and version. */
  serve<S extends DescService>(service: S, impl: ServiceImpl<S>, options: ServeOptions = {}): this {
    if (serveProtocols(options).includes("dubbo")) {
      throw new TypeError(`${service.typeName}: protobuf services are served over tri only, not dubbo`);
    }
    this.server.register(service, impl, { group: options.group, version: options.version });
    this.addServed({ interface: service.typeName, methods: service.methods.map((m) => m.name), options });
    return this;
  }

  /**
   * Serves an IDL-less interface: JSON over Triple (an argument array in, a JSON value out), and/or
   * Hessian2 over Dubbo2 with `protocol: "dubbo"` (on the `dubboPort` of `start`).
   */
  serveInterface<D extends InterfaceDefinition>(
    def: D,
    impl: InterfaceImpl<D>,
    options: ServeOptions = {},
  ): this {
    const protocols = serveProtocols(options);
    if (protocols.includes("tri")) {
      for (const m of interfaceServerMethods(def, impl, options.group ?? "", options.version ?? "")) {
        this.server.registerMethod(m);
      }
    }
    if (protocols.includes("dubbo")) {
      if (this.state !== "new" && this.dubbo2 === undefined) {
        throw new Error(
          `${def.name}: the app started without a Dubbo2 port; serve dubbo services before start()`,
        );
      }
      this.dubbo2 ??= new Dubbo2Exporter(this.logger);
      this.dubbo2.add(def, impl, options.group ?? "", options.version ?? "");
    }
    this.addServed({ interface: def.name, methods: Object.keys(def.methods), options });
    return this;
  }

  /** A typed client of a protobuf service or an interface, through discovery, routing and balancing. */
  client<S extends DescService>(service: S, options?: ClientOptions): DubboClient<S>;
  client<D extends InterfaceDefinition>(definition: D, options?: ClientOptions): InterfaceClient<D>;
  client(service: DescService | InterfaceDefinition, given: ClientOptions = {}): unknown {
    if (this.state === "stopping" || this.state === "stopped") throw new Error(`app ${this.name} is stopped`);
    const iface = isInterfaceDefinition(service);
    const name = iface ? service.name : service.typeName;
    const options = this.meshClientOptions(name, given);
    const proxyMode = this.mesh.mode === "proxy";
    const dubbo = options.protocol === "dubbo";
    if (dubbo && !iface) {
      throw new TypeError(
        `${name}: protocol "dubbo" is for interface services (defineInterface), not protobuf ones`,
      );
    }
    const directory = new Directory(
      {
        interface: name,
        group: options.group,
        version: options.version,
        protocol: dubbo ? "dubbo" : "tri",
        application: this.name,
      },
      this.sourcesFor(name, options, proxyMode),
      this.pool,
      this.logger,
    );
    const params: Record<string, string> = {
      ...this.options.labels,
      application: this.name,
      side: "consumer",
      host: this.consumerHost,
      interface: name,
    };
    if (options.group) params.group = options.group;
    if (options.version) params.version = options.version;
    if (options.tag) params["dubbo.tag"] = options.tag;
    if (this.options.zone) params.zone = this.options.zone;
    if (this.options.namespace) params.namespace = this.options.namespace;
    const meshRouters: readonly Router[] =
      this.mesh.mode === "proxyless" ? (this.mesh.adapter.routers?.(name) ?? []) : [];
    const ref = new ServiceReference({
      interfaceName: name,
      methods: iface ? interfaceMethodSources(service) : protobufMethodSources(service),
      options,
      defaults: this.options.defaults ?? {},
      directory,
      consumer: { params },
      rules: this.rules,
      interceptors: [...this.clientInterceptors, ...(options.interceptors ?? [])],
      routers: [...(options.routers ?? []), ...meshRouters],
      logger: this.logger,
      scheduler: this.scheduler,
      proxyMode,
      spec:
        options.protocol === "dubbo"
          ? { protocol: "dubbo", codec: "hessian2" }
          : {
              protocol: options.protocol ?? (iface ? "triple" : "grpc"),
              codec: iface ? "json" : (options.codec ?? "proto"),
            },
    });
    this.references.add(ref);
    return iface ? buildInterfaceClient(service, ref) : buildProtobufClient(service, ref);
  }

  /**
   * Starts the Triple server (and the Dubbo2 one on `dubboPort`, default any free port, when a service
   * is served over dubbo) and registers every served service with the discovery sources.
   */
  async start(
    options: { port?: number; host?: string; dubboPort?: number } = {},
  ): Promise<{ host: string; port: number }> {
    if (this.state !== "new") throw new Error(`app ${this.name} was already started`);
    this.state = "started";
    const bound = await this.server.listen({ port: options.port ?? 0, host: options.host ?? "0.0.0.0" });
    // Right away: the xDS-enabled server refuses connections until its Listener arrives (A36).
    if (this.meshServer !== undefined && this.served.length > 0) {
      this.meshServer.start({
        server: this.server,
        bound,
        advertiseHost: this.options.advertiseHost ?? advertiseHost(options.host),
        application: this.name,
        ...(this.options.namespace === undefined ? {} : { namespace: this.options.namespace }),
        labels: this.options.labels ?? {},
        services: [...new Set(this.served.map((s) => s.interface))],
        tls: this.options.server?.tls !== undefined,
      });
    }
    if (this.dubbo2 !== undefined) {
      this.dubboPortValue = await this.dubbo2.listen(options.dubboPort ?? 0, options.host ?? "0.0.0.0");
    }
    this.startedAt = Date.now();
    this.address = { host: this.options.advertiseHost ?? advertiseHost(options.host), port: bound.port };
    const m = this.options.metrics;
    if (m !== false && m?.port !== undefined && this.rpcMetrics !== undefined) {
      this.metricsServer = new MetricsServer(this.rpcMetrics, m.path);
      const port = await this.metricsServer.listen(m.port, m.host);
      this.metricsPortValue = port;
      this.logger.info({ port }, `metrics at http://${m.host ?? "0.0.0.0"}:${port}${m.path ?? "/metrics"}`);
    }
    await Promise.all(this.served.map((s) => this.register(s)));
    this.logger.info(
      { port: bound.port, host: this.address.host, services: this.served.map((s) => s.interface) },
      `${this.name} serving on ${this.address.host}:${bound.port}`,
    );
    return this.address;
  }

  /**
   * Graceful shutdown: health turns NOT_SERVING and every registration is withdrawn first; then the
   * app waits `unregisterWaitMs` for consumers to drop its endpoints; then the server drains
   * (GOAWAY, calls in flight get up to `drainMs`); last, clients and timers close.
   */
  stop(options: { unregisterWaitMs?: number; drainMs?: number } = {}): Promise<void> {
    this.stopping ??= this.doStop(options);
    return this.stopping;
  }

  /** The Prometheus text of this app's metrics ("" when metrics are off). */
  metrics(): Promise<string> {
    return this.rpcMetrics?.text() ?? Promise.resolve("");
  }

  /** The port of `GET /metrics`, once started with `metrics.port` (useful with port 0). */
  get metricsPort(): number | undefined {
    return this.metricsPortValue;
  }

  /** The Dubbo2 port, once started with a service served over dubbo. */
  get dubboPort(): number | undefined {
    return this.dubboPortValue;
  }

  /** Where the app serves, once started. */
  get endpoint(): { host: string; port: number } | undefined {
    return this.address;
  }

  private async doStop(options: { unregisterWaitMs?: number; drainMs?: number }): Promise<void> {
    const wasStarted = this.state === "started";
    this.state = "stopping";
    this.server.health.shutdown();
    const regs = this.registered;
    this.registered = [];
    await Promise.all(
      regs.map(({ discovery, registration }) =>
        discovery
          .unregister?.(registration)
          .catch((e: unknown) =>
            this.logger.warn(
              { discovery: discovery.name, service: registration.interface, error: String(e) },
              `unregistering ${registration.interface} from ${discovery.name} failed`,
            ),
          ),
      ),
    );
    const wait =
      options.unregisterWaitMs ?? this.options.shutdown?.unregisterWaitMs ?? DEFAULT_UNREGISTER_WAIT_MS;
    if (regs.length > 0) {
      this.logger.info(
        { unregistered: regs.length, waitMs: wait },
        `unregistered ${regs.length} registration(s); waiting ${wait} ms for consumers to drop this endpoint`,
      );
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    if (wasStarted) {
      const drainMs = options.drainMs ?? this.options.shutdown?.drainMs ?? DEFAULT_DRAIN_MS;
      this.logger.info({ drainMs }, "draining the server");
      await Promise.all([this.server.close({ graceMs: drainMs }), this.dubbo2?.close(drainMs)]);
    }
    for (const ref of this.references) ref.close();
    this.references.clear();
    this.scheduler.close();
    this.rules?.condition.close();
    this.rules?.tag.close();
    this.rules?.configurators.close();
    await this.pool.close();
    await this.metricsServer?.close();
    if (this.mesh.mode === "proxyless") await this.mesh.adapter.close();
    this.state = "stopped";
    this.logger.info({}, `${this.name} stopped`);
  }

  /**
   * A reference to a mesh host (`xds:///host:port`, `providedBy`, or the adapter's own mapping) takes
   * its discovery and cluster strategy from the mesh adapter. Its timeout defaults to none (0) so that
   * the route's timeout decides, as in gRPC; a timeout the caller sets still wins when shorter.
   */
  private meshClientOptions(name: string, options: ClientOptions): ClientOptions {
    const target = options.target?.trim();
    const xdsHost = target?.startsWith("xds:") ? target.replace(/^xds:(\/\/[^/]*)?\/?/, "") : undefined;
    const host = xdsHost ?? options.providedBy;
    if (host !== undefined && (this.mesh.mode !== "proxyless" || this.mesh.adapter.reference === undefined)) {
      throw new TypeError(
        `the client of ${name} names the mesh host ${host}, which needs the proxyless mesh mode: createApp({ mesh: { mode: "proxyless", adapter: xdsMesh(...) } })`,
      );
    }
    if (this.mesh.mode !== "proxyless" || (host === undefined && options.target !== undefined))
      return options;
    const ref: MeshReference | undefined = this.mesh.adapter.reference?.(name, host);
    if (ref === undefined) return options;
    const { target: _target, ...rest } = options;
    return {
      ...rest,
      discovery: ref.discovery,
      cluster: ref.cluster,
      routers: [...(options.routers ?? []), ...(ref.routers ?? [])],
      timeout: options.timeout ?? this.options.defaults?.timeout ?? 0,
    };
  }

  private sourcesFor(name: string, options: ClientOptions, proxyMode: boolean): readonly Discovery[] {
    if (options.target !== undefined) {
      const endpoints = parseTarget(options.target);
      if (proxyMode) {
        for (const e of endpoints) {
          if (e.host === "localhost" || e.host.startsWith("127.") || e.host === "::1") {
            this.logger.warn(
              { target: options.target },
              "proxy mode: the target is a loopback address, which the sidecar does not intercept; use the service's host name",
            );
          }
        }
      }
      return [staticDiscovery({ [name]: endpoints })];
    }
    if (proxyMode) {
      throw new TypeError(
        `proxy mode: the client of ${name} needs a target, the service's host name as the mesh knows it (e.g. dns:///greeter.demo.svc.cluster.local:50051)`,
      );
    }
    if (options.discovery !== undefined) {
      return Array.isArray(options.discovery) ? options.discovery : [options.discovery as Discovery];
    }
    if (this.discoveries.length === 0) {
      throw new TypeError(
        `the client of ${name} has nowhere to find providers: give the app a discovery source, or the client a target (tri://host:port)`,
      );
    }
    return this.discoveries;
  }

  private addServed(s: ServedService): void {
    this.served.push(s);
    if (this.state === "started") {
      void this.register(s);
    }
  }

  private async register(s: ServedService): Promise<void> {
    if (s.options.register === false || this.address === undefined) return;
    const address = this.address;
    const registrations = serveProtocols(s.options).map((protocol) =>
      this.registrationOf(s, protocol, {
        host: address.host,
        port: protocol === "dubbo" ? (this.dubboPortValue ?? 0) : address.port,
      }),
    );
    const targets = this.discoveries.filter((d) => d.register !== undefined);
    await Promise.all(
      registrations.flatMap((registration) =>
        targets.map(async (discovery) => {
          try {
            await discovery.register!(registration);
            this.registered.push({ discovery, registration });
          } catch (e) {
            this.logger.error(
              { discovery: discovery.name, service: s.interface, error: String(e) },
              `registering ${s.interface} with ${discovery.name} failed`,
            );
          }
        }),
      ),
    );
  }

  private registrationOf(
    s: ServedService,
    protocol: ServeProtocol,
    address: { host: string; port: number },
  ): ServiceRegistration {
    const o = s.options;
    const params: Record<string, string> = {
      ...this.options.labels,
      ...o.params,
      application: this.name,
      side: "provider",
      timestamp: String(this.startedAt),
      release: "dubbo-mesh-ts-0.1.0",
    };
    if (o.tag) params["dubbo.tag"] = o.tag;
    if (o.warmup !== undefined) params.warmup = String(o.warmup);
    if (this.options.zone) params.zone = this.options.zone;
    if (this.options.namespace) params.namespace = this.options.namespace;
    return {
      interface: s.interface,
      group: o.group,
      version: o.version,
      application: this.name,
      host: address.host,
      port: address.port,
      protocol,
      weight: o.weight,
      methods: s.methods,
      params,
    };
  }
}

/** Creates an application. */
export function createApp(options: AppOptions): DubboApp {
  return new DubboApp(options);
}
