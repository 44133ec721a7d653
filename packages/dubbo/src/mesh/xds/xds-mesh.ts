// `xdsMesh(...)`: the proxyless mesh adapter. One XdsClient per bootstrap in the process
// (getXdsClient), one watched target per mesh host shared by every reference to it, one set of
// circuit-breaker counters per adapter.
import type { JsonValue } from "@bufbuild/protobuf";
import { type Bootstrap, buildBootstrap, getXdsClient, loadBootstrap, type XdsClient } from "@dubbo-mesh/xds";
import type { Discovery } from "../../discovery/discovery.js";
import { defaultLogger, type Logger } from "../../log/logger.js";
import type { MeshAdapter, MeshReference } from "../mesh-options.js";
import { CircuitBreakers } from "./circuit-breakers.js";
import { ClusterBalancers } from "./cluster-balancers.js";
import { MeshTarget } from "./mesh-target.js";
import { StreamRouteRouter } from "./stream-route-router.js";
import { XdsClusterStrategy } from "./xds-cluster-strategy.js";

/** Who this process is to the control plane (becomes the bootstrap's node; Istio metadata keys). */
export interface XdsNodeOptions {
  readonly id?: string;
  readonly namespace?: string;
  /** Istio's canonical service name (LABELS.app). */
  readonly app?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly metadata?: Readonly<Record<string, JsonValue>>;
}

export interface XdsMeshOptions {
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
}

/** The adapter, with the xDS client it uses (for status dumps: `(await mesh.client()).dump()`). */
export interface XdsMeshAdapter extends MeshAdapter {
  client(): Promise<XdsClient>;
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
    ...(n.metadata === undefined ? {} : { metadata: n.metadata }),
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
  private clientValue: XdsClient | undefined;
  private readonly clientPromise: Promise<XdsClient>;
  private closed = false;

  constructor(private readonly options: XdsMeshOptions) {
    this.logger = options.logger ?? defaultLogger("xds");
    this.random = options.random ?? Math.random;
    this.balancers = new ClusterBalancers(this.random);
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

  reference(service: string, host: string | undefined): MeshReference | undefined {
    const h = host ?? this.options.providers?.[service];
    return h === undefined ? undefined : this.targetFor(h).reference;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { target } of this.targets.values()) target.close();
    this.targets.clear();
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
        }),
        routers: [new StreamRouteRouter(target, this.random)],
      };
      t = { target, reference };
      this.targets.set(h, t);
    }
    return t;
  }

  private watch(host: string): MeshTarget {
    return new MeshTarget(host, this.clientValue ?? this.clientPromise, this.logger);
  }
}

/** The proxyless mesh adapter: `createApp({ mesh: { mode: "proxyless", adapter: xdsMesh({ xdsServer }) } })`. */
export function xdsMesh(options: XdsMeshOptions = {}): XdsMeshAdapter {
  return new XdsMesh(options);
}
