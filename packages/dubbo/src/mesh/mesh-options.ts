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
  close(): Promise<void>;
}

/** What a mesh reference plugs into the call path (see MeshAdapter.reference). */
export interface MeshReference {
  /** The endpoints of every cluster the host's routes may pick. */
  readonly discovery: Discovery;
  /** Route match, cluster pick, balancing, retries, deadline and faults for each call. */
  readonly cluster: ClusterStrategy;
  /** Routers for what the cluster strategy does not see (streaming calls). */
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
