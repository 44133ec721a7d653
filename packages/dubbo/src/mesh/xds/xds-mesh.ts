// `xdsMesh(...)`: the proxyless mesh adapter. One XdsClient per bootstrap in the process
// (getXdsClient), one watched target per mesh host shared by every reference to it, one set of
// circuit-breaker counters per adapter.
import type { JsonValue } from "@bufbuild/protobuf";
import {
  type Bootstrap,
  buildBootstrap,
  type CertificateProviderConfig,
  getXdsClient,
  loadBootstrap,
  type XdsCertificates,
  type XdsClient,
} from "@dubbo-mesh/xds";
import type { Discovery } from "../../discovery/discovery.js";
import { defaultLogger, type Logger } from "../../log/logger.js";
import type { MeshAdapter, MeshReference, MeshServer } from "../mesh-options.js";
import { CircuitBreakers } from "./circuit-breakers.js";
import { ClusterBalancers } from "./cluster-balancers.js";
import { MeshTarget } from "./mesh-target.js";
import { systemClock } from "./outlier-detection.js";
import { OutlierDetectors } from "./outlier-detectors.js";
import { XdsMeshServer } from "./server/xds-mesh-server.js";
import type { XdsServerOptions, XdsServingStatus } from "./server/xds-server-options.js";
import { meshCertificates } from "./tls/mesh-certificates.js";
import { UpstreamTransportTls } from "./tls/upstream-transport-tls.js";
import { XdsClusterStrategy } from "./xds-cluster-strategy.js";

/** Who this process is to the control plane (becomes the bootstrap's node; Istio metadata keys). */
export interface XdsNodeOptions {
  readonly id?: string;
  readonly namespace?: string;
  /** Istio's canonical service name (LABELS.app). */
  readonly app?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Istio SERVICE_ACCOUNT: the control plane puts its SPIFFE id in clients' SAN matchers (A29). */
  readonly serviceAccount?: string;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

/**
 * Certificate providers (A29) for a bootstrap built from `xdsServer`: the TLS settings the control
 * plane sends (PeerAuthentication STRICT, DestinationRule ISTIO_MUTUAL) name them. A bootstrap file
 * (istio-agent's) brings its own `certificate_providers`.
 */
export interface XdsCertificateOptions {
  /**
   * Directory of istio-agent's OUTPUT_CERTS layout (`cert-chain.pem`, `key.pem`, `root-cert.pem`): the
   * `default` file_watcher provider istiod's and our control plane's TLS settings name, re-read every
   * 15 minutes.
   */
  readonly certificateDir?: string;
  /** More (or replacing) `file_watcher` providers by instance name. */
  readonly certificateProviders?: Readonly<Record<string, CertificateProviderConfig>>;
}

export interface XdsMeshOptions extends XdsCertificateOptions {
  /** A full bootstrap; default: `xdsServer` if given, else GRPC_XDS_BOOTSTRAP(_CONFIG). */
  readonly bootstrap?: Bootstrap;
  /** `host:port` of the control plane (plaintext), for a bootstrap built from `node`. */
  readonly xdsServer?: string;
  readonly node?: XdsNodeOptions;
  /**
   * Dubbo service -> mesh host of its provider application (`host:port`), for clients that name
   * neither a target nor `providedBy` (Dubbo's service-name mapping).
   */
  readonly providers?: Readonly<Record<string, string>>;
  /** Random source of weighted clusters, faults, backoff and balancers (tests seed it). */
  readonly random?: () => number;
  readonly logger?: Logger;
  /**
   * The app's server as an xDS-enabled server (A36): it serves per its inbound Listener
   * (`server_listener_resource_name_template`), applying filter chains, inbound routes and RBAC
   * (AuthorizationPolicies) to every call, and registers itself over ADS. Default on; `false` serves
   * without the mesh.
   */
  readonly server?: false | XdsServerOptions;
}

/** The adapter, with the xDS client it uses (for status dumps: `(await mesh.client()).dump()`). */
export interface XdsMeshAdapter extends MeshAdapter {
  client(): Promise<XdsClient>;
  /** The xDS-enabled server's serving state; undefined before the app listens or with `server: false`. */
  servingStatus(): XdsServingStatus | undefined;
  /** Resolves once the app's server serves: its inbound Listener has arrived (A36). */
  whenServing(): Promise<void>;
}

function bootstrapFrom(o: XdsMeshOptions): Bootstrap | Promise<Bootstrap> {
  if (o.bootstrap !== undefined) return o.bootstrap;
  if (o.xdsServer === undefined) return loadBootstrap();
  const n = o.node ?? {};
  return buildBootstrap({
    serverUri: o.xdsServer,
    ...(n.id === undefined ? {} : { nodeId: n.id }),
    ...(n.namespace === undefined ? {} : { namespace: n.namespace }),
    ...(n.app === undefined ? {} : { app: n.app }),
    ...(n.labels === undefined ? {} : { labels: n.labels }),
    ...(n.serviceAccount === undefined ? {} : { serviceAccount: n.serviceAccount }),
    ...(n.metadata === undefined ? {} : { metadata: n.metadata }),
    ...(o.certificateDir === undefined ? {} : { certificateDir: o.certificateDir }),
    ...(o.certificateProviders === undefined ? {} : { certificateProviders: o.certificateProviders }),
  });
}

/** `host` or `host:port` -> the `host:port` the Listener is named by. */
function normalizeHost(host: string): string {
  const h = host.trim();
  if (!/:\d+$/.test(h))
    throw new TypeError(`mesh host "${host}" needs a port (host:port), as the Listener is named`);
  return h;
}

class XdsMesh implements XdsMeshAdapter {
  readonly name = "xds";
  private readonly logger: Logger;
  private readonly random: () => number;
  private readonly targets = new Map<string, { target: MeshTarget; reference: MeshReference }>();
  private readonly breakers = new CircuitBreakers();
  private readonly balancers: ClusterBalancers;
  private readonly outliers: OutlierDetectors;
  private clientValue: XdsClient | undefined;
  private meshServer: XdsMeshServer | undefined;
  private certificates: XdsCertificates | undefined;
  /** Clusters' TLS settings -> the TLS their connections are dialled with (A29). */
  private readonly upstreamTls = new UpstreamTransportTls(() => {
    if (this.closed) throw new Error("the xds mesh adapter is closed");
    if (this.certificates !== undefined) return this.certificates;
    // Connections are made only for clusters the client delivered, so the client is there.
    if (this.clientValue === undefined) throw new Error("the xds mesh adapter has no xDS client yet");
    this.certificates = meshCertificates(this.clientValue, this.logger);
    return this.certificates;
  });
  private readonly clientPromise: Promise<XdsClient>;
  private closed = false;

  constructor(private readonly options: XdsMeshOptions) {
    this.logger = options.logger ?? defaultLogger("xds");
    this.random = options.random ?? Math.random;
    this.balancers = new ClusterBalancers(this.random);
    this.outliers = new OutlierDetectors({ clock: systemClock, random: this.random, logger: this.logger });
    const b = bootstrapFrom(options);
    if (b instanceof Promise) {
      this.clientPromise = b.then((bootstrap) => {
        this.clientValue = getXdsClient(bootstrap);
        return this.clientValue;
      });
      this.clientPromise.catch((e: unknown) =>
        this.logger.error({ error: String(e) }, `xds bootstrap: ${e}`),
      );
    } else {
      this.clientValue = getXdsClient(b);
      this.clientPromise = Promise.resolve(this.clientValue);
    }
  }

  client(): Promise<XdsClient> {
    return this.clientPromise;
  }

  /** Services mapped in `providers` find their endpoints here; others hear nothing from this source. */
  discovery(): Discovery {
    return {
      name: "xds",
      watch: (query, listener) => {
        const host = this.options.providers?.[query.interface];
        if (host === undefined) return () => {};
        return this.targetFor(host).target.discovery().watch(query, listener);
      },
      close: async () => {},
    };
  }

  server(): MeshServer | undefined {
    if (this.options.server === false) return undefined;
    this.meshServer ??= new XdsMeshServer({
      ...this.options.server,
      client: () => this.clientPromise,
      ...(this.options.bootstrap === undefined && this.options.xdsServer !== undefined
        ? { xdsServer: this.options.xdsServer }
        : {}),
      ...(this.options.node === undefined ? {} : { node: this.options.node }),
      certificates: {
        ...(this.options.certificateDir === undefined ? {} : { certificateDir: this.options.certificateDir }),
        ...(this.options.certificateProviders === undefined
          ? {}
          : { certificateProviders: this.options.certificateProviders }),
      },
      logger: this.logger,
    });
    return this.meshServer;
  }

  servingStatus(): XdsServingStatus | undefined {
    return this.meshServer?.status;
  }

  whenServing(): Promise<void> {
    const s = this.server();
    if (s === undefined) return Promise.reject(new Error("the xds mesh adapter has server: false"));
    return (s as XdsMeshServer).whenServing();
  }

  reference(service: string, host: string | undefined): MeshReference | undefined {
    const h = host ?? this.options.providers?.[service];
    return h === undefined ? undefined : this.targetFor(h).reference;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { target } of this.targets.values()) target.close();
    this.targets.clear();
    await this.meshServer?.close();
    this.outliers.close();
    this.certificates?.close();
    // The XdsClient is shared by the process (getXdsClient); closeSharedXdsClients() ends it.
  }

  private targetFor(host: string): { target: MeshTarget; reference: MeshReference } {
    if (this.closed) throw new Error("the xds mesh adapter is closed");
    const h = normalizeHost(host);
    let t = this.targets.get(h);
    if (t === undefined) {
      const target = this.watch(h);
      const reference: MeshReference = {
        discovery: target.discovery(),
        cluster: new XdsClusterStrategy({
          target,
          balancers: this.balancers,
          breakers: this.breakers,
          random: this.random,
          upstreamTls: this.upstreamTls,
        }),
      };
      t = { target, reference };
      this.targets.set(h, t);
    }
    return t;
  }

  private watch(host: string): MeshTarget {
    return new MeshTarget(host, this.clientValue ?? this.clientPromise, this.logger, this.outliers);
  }
}

/** The proxyless mesh adapter: `createApp({ mesh: { mode: "proxyless", adapter: xdsMesh({ xdsServer }) } })`. */
export function xdsMesh(options: XdsMeshOptions = {}): XdsMeshAdapter {
  return new XdsMesh(options);
}
