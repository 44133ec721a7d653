import type { ServerAdmission, TripleServer } from "@dubbo-mesh/triple";
import type { ClusterStrategy } from "../cluster/cluster-strategy.js";
import type { Discovery } from "../discovery/discovery.js";
import type { Router } from "../router/router.js";

/**
 * What a proxyless mesh integration provides: endpoints (xDS EDS through LDS/RDS/CDS) and routing
 * (xDS route match -> weighted clusters) for the services the app calls. The xDS work implements
 * this on top of `@dubbo-mesh/xds`; the SDK only plugs it into the call path.
 */
export interface MeshAdapter {
  readonly name: string;
  /** The discovery source for every service the app calls. */
  discovery(): Discovery;
  /** Routers that run after Dubbo's own (condition, tag) for one service. */
  routers?(service: string): readonly Router[];
  /**
   * A reference to a mesh host: `host` is `host:port` from an `xds:///host:port` target or the
   * client's `providedBy`; undefined asks the adapter's own service -> host mapping, and an undefined
   * answer leaves the client on the ordinary path. The reference takes over discovery and the cluster
   * strategy, because xDS decides routes, balancing, retries and timeouts per call, not per service.
   */
  reference?(service: string, host: string | undefined): MeshReference | undefined;
  /**
   * The provider side (an xDS-enabled server): asked once, when the app is created; undefined leaves
   * the app's server as it is.
   */
  server?(): MeshServer | undefined;
  close(): Promise<void>;
}

/** What the app tells its mesh server once its Triple server listens. */
export interface MeshServing {
  readonly server: TripleServer;
  /** The address the server is bound to (the host may be a wildcard, 0.0.0.0 or ::). */
  readonly bound: { readonly host: string; readonly port: number };
  /** The address registered for the app's providers. */
  readonly advertiseHost: string;
  readonly application: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The interfaces (Dubbo service names) the app serves. */
  readonly services: readonly string[];
  /** The server terminates TLS itself (static certificates). */
  readonly tls: boolean;
}

/** The provider side of a mesh: admission of connections and calls, following the control plane. */
export interface MeshServer {
  /** Given to the app's Triple server when it is made. */
  readonly admission: ServerAdmission;
  /** The app's server listens. */
  start(serving: MeshServing): void;
  close(): Promise<void>;
}

/** What a mesh reference plugs into the call path (see MeshAdapter.reference). */
export interface MeshReference {
  /** The endpoints of every cluster the host's routes may pick. */
  readonly discovery: Discovery;
  /** Route match, cluster pick, balancing, retries, deadline and faults for each call. */
  readonly cluster: ClusterStrategy;
  /** Extra routers that run after Dubbo's own for this reference (the xDS adapter needs none). */
  readonly routers?: readonly Router[];
}

/**
 * - `none` (default): the SDK does discovery (registries, static addresses), routing and balancing.
 * - `proxy`: a sidecar (Envoy) does them; clients dial the service's host name (`target`), one
 *   endpoint, no retries of their own (the sidecar retries), and providers register nowhere unless
 *   discovery sources are given.
 * - `proxyless`: the SDK does them from a control plane through a MeshAdapter (xDS).
 */
export type MeshOptions = { mode: "none" } | { mode: "proxy" } | { mode: "proxyless"; adapter: MeshAdapter };
