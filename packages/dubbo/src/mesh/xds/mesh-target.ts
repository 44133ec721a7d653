// One watched mesh host (`host:port`), shared by every reference to it: the latest complete xDS
// configuration and what it means for calls. The xDS client keeps the last accepted resources while
// the control plane is away (fail static), so this object keeps serving the last configuration too;
// only a Listener or RouteConfiguration the control plane says does not exist makes calls fail.
import { type TargetConfig, watchTarget, type XdsClient } from "@dubbo-mesh/xds";
import type { Discovery, WatchUpdate } from "../../discovery/discovery.js";
import type { Endpoint } from "../../discovery/endpoint.js";
import type { Logger } from "../../log/logger.js";
import { type ClusterEndpoints, clusterEndpoints, type OutlierAttach } from "./cluster-endpoints.js";
import type { OutlierDetectors } from "./outlier-detectors.js";

type EndpointListener = (endpoints: readonly Endpoint[], update?: WatchUpdate) => void;

/** What calls see: a configuration with its clusters resolved, or why there is none. */
export type TargetState =
  | {
      readonly ok: true;
      readonly config: TargetConfig;
      readonly clusters: ReadonlyMap<string, ClusterEndpoints>;
    }
  | { readonly ok: false; readonly reason: string };

export class MeshTarget {
  private stateValue: TargetState;
  private endpoints: readonly Endpoint[] | undefined;
  private readonly listeners = new Set<EndpointListener>();
  private cancel: (() => void) | undefined;
  private closed = false;
  private readonly attachOutliers: OutlierAttach | undefined;

  /**
   * `client` may still be loading its bootstrap: the watch starts once it is there. `outliers` gives
   * clusters with outlier detection their (adapter-wide) detector.
   */
  constructor(
    readonly host: string,
    client: XdsClient | Promise<XdsClient>,
    private readonly logger: Logger,
    private readonly outliers?: OutlierDetectors,
  ) {
    this.attachOutliers =
      outliers === undefined ? undefined : (cluster, keys) => outliers.use(this, cluster, keys);
    this.stateValue = { ok: false, reason: `no xDS configuration for ${host} yet` };
    if (client instanceof Promise) {
      client.then(
        (c) => {
          if (!this.closed) this.start(c);
        },
        (e: unknown) => {
          this.stateValue = { ok: false, reason: `no xDS client: ${e}` };
        },
      );
    } else {
      this.start(client);
    }
  }

  private start(client: XdsClient): void {
    const host = this.host;
    this.cancel = watchTarget(client, host, {
      onUpdate: (config) => this.apply(config),
      onResourceDoesNotExist: (r) => {
        this.stateValue = { ok: false, reason: `the control plane has no ${r.kind} ${r.name}` };
        this.logger.warn(
          { host, resource: r.name },
          `xds: ${r.kind} ${r.name} does not exist; calls to ${host} fail`,
        );
        this.publish([], true);
      },
      onError: (e) =>
        this.logger.warn(
          { host, error: String(e) },
          `xds: ${host}: ${e.message}; the last configuration stays`,
        ),
    });
  }

  get state(): TargetState {
    return this.stateValue;
  }

  /** A discovery source listing the endpoints of every cluster of this host. */
  discovery(): Discovery {
    return {
      name: `xds:${this.host}`,
      watch: (_query, listener) => {
        this.listeners.add(listener);
        if (this.endpoints !== undefined) listener(this.endpoints, { confirmed: true });
        return () => this.listeners.delete(listener);
      },
      close: async () => {},
    };
  }

  close(): void {
    this.closed = true;
    this.cancel?.();
    this.listeners.clear();
    this.outliers?.forget(this);
  }

  private apply(config: TargetConfig): void {
    const scope = this.outliers?.beginUpdate(this);
    const { clusters, endpoints } = clusterEndpoints(config, this.attachOutliers);
    scope?.end();
    this.stateValue = { ok: true, config, clusters };
    this.publish(endpoints, true);
  }

  private publish(endpoints: readonly Endpoint[], confirmed: boolean): void {
    this.endpoints = endpoints;
    for (const l of this.listeners) l(endpoints, { confirmed });
  }
}
