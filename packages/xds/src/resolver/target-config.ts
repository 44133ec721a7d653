// What the resolver hands the SDK for one target: everything routing and load balancing need, frozen,
// replaced as a whole whenever any resource behind it changes.
import type { ValidatedCluster } from "../resources/cluster/types.js";
import type {
  LocalityEndpointsConfig,
  ValidatedClusterLoadAssignment,
} from "../resources/cluster-load-assignment/types.js";
import type { HttpFilterConfig } from "../resources/http-filters/types.js";
import type { ClientListener } from "../resources/listener/types.js";
import type {
  RouteConfig,
  ValidatedRouteConfiguration,
  VirtualHostConfig,
} from "../resources/route-configuration/types.js";

/** A cluster calls can be sent to: an EDS or LOGICAL_DNS cluster (never an aggregate). */
export interface LeafCluster {
  readonly name: string;
  readonly cluster: ValidatedCluster;
  /**
   * EDS clusters: `ok` with the assignment, `does_not_exist` / `error` without one (no endpoints).
   * LOGICAL_DNS clusters have no EDS resource: `dns`, the SDK resolves `cluster.discovery.address`.
   */
  readonly endpointsState: "ok" | "does_not_exist" | "error" | "dns";
  readonly endpoints?: ValidatedClusterLoadAssignment;
  /** The assignment's localities grouped by priority: index 0 is the most preferred. */
  readonly priorities: readonly (readonly LocalityEndpointsConfig[])[];
}

export type ResolvedCluster =
  | {
      readonly ok: true;
      readonly name: string;
      /** The cluster a route names; for an aggregate cluster, the aggregate itself. */
      readonly cluster: ValidatedCluster;
      /**
       * Where calls go, most preferred first: the cluster itself, or for an aggregate cluster its leaf
       * clusters in priority order (A37: depth first, duplicates and missing children left out).
       */
      readonly leaves: readonly LeafCluster[];
    }
  | {
      readonly ok: false;
      readonly name: string;
      readonly reason: "does_not_exist" | "error";
      readonly message: string;
    };

export interface TargetConfig {
  /** The target as given to watchTarget, e.g. `echo.default.svc.cluster.local:50051`. */
  readonly target: string;
  readonly listener: ClientListener;
  /** From RDS or inline in the listener. */
  readonly routeConfiguration: ValidatedRouteConfiguration;
  /** The virtual host matching the target (A28). */
  readonly virtualHost: VirtualHostConfig;
  /** The virtual host's routes, in match order. */
  readonly routes: readonly RouteConfig[];
  /** The listener's HTTP filters, in order (router last). */
  readonly httpFilters: readonly HttpFilterConfig[];
  /** A31: the HCM's default max stream duration. */
  readonly maxStreamDurationMs?: number;
  /** Every cluster the routes name (weighted ones included). */
  readonly clusters: ReadonlyMap<string, ResolvedCluster>;
}
