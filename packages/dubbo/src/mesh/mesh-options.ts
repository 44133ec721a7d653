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
  close(): Promise<void>;
}

/**
 * - `none` (default): the SDK does discovery (registries, static addresses), routing and balancing.
 * - `proxy`: a sidecar (Envoy) does them; clients dial the service's host name (`target`), one
 *   endpoint, no retries of their own (the sidecar retries), and providers register nowhere unless
 *   discovery sources are given.
 * - `proxyless`: the SDK does them from a control plane through a MeshAdapter (xDS).
 */
export type MeshOptions = { mode: "none" } | { mode: "proxy" } | { mode: "proxyless"; adapter: MeshAdapter };
