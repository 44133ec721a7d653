// The call-time resolver for `xds:///host:port` (A27, A28, A37, with A74's rule of publishing only a
// complete configuration): Listener -> RouteConfiguration (RDS or inline) -> virtual host -> the
// clusters its routes name -> their aggregate children -> ClusterLoadAssignments. One TargetConfig is
// emitted whenever anything behind it changes, once every referenced resource has answered (a value,
// a does-not-exist, or an error). No load balancing here: the SDK picks routes and endpoints.
import { clientListenerName } from "../bootstrap/listener-names.js";
import type { CancelWatch } from "../client/watcher.js";
import type { XdsClient } from "../client/xds-client.js";
import { XdsClientError } from "../client/xds-client-error.js";
import type { ClientListener } from "../resources/listener/types.js";
import { findVirtualHost } from "../resources/route-configuration/domain-match.js";
import type {
  ValidatedRouteConfiguration,
  VirtualHostConfig,
} from "../resources/route-configuration/types.js";
import { ClusterTree } from "./cluster-tree.js";
import { coalesced } from "./coalesce.js";
import type { ResolvedCluster, TargetConfig } from "./target-config.js";

export interface TargetWatcher {
  /** A new complete configuration for the target. */
  onUpdate(config: TargetConfig): void;
  /**
   * The target's Listener or RouteConfiguration does not exist (deleted, or not there in time): calls
   * to the target should fail with UNAVAILABLE until an update comes (A27).
   */
  onResourceDoesNotExist?(resource: {
    readonly kind: "Listener" | "RouteConfiguration";
    readonly name: string;
  }): void;
  /** A rejected update or a stream problem; the last configuration stays in force. */
  onError?(error: XdsClientError): void;
}

export interface WatchTargetOptions {
  /** xds://authority/ targets (A47): the authority whose listener template names the Listener. */
  readonly authority?: string;
}

/** The listener's route source, resolved to a RouteConfiguration when we have one. */
type RouteState =
  | { readonly kind: "none" }
  | { readonly kind: "rds"; readonly name: string; cancel: CancelWatch; value?: ValidatedRouteConfiguration }
  | { readonly kind: "inline"; readonly value: ValidatedRouteConfiguration };

/** `host:port` -> `host`, for the fallback virtual host match. */
function hostOf(target: string): string | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):\d+$/.exec(target);
  return m === null ? undefined : m[1];
}

/**
 * The virtual host for the target (A28: the most specific domain match). gRPC matches the target as
 * written; a virtual host listing only the bare host is accepted too, since an istiod without the
 * `host:port` domain otherwise leaves calls waiting forever.
 */
function virtualHostFor(rc: ValidatedRouteConfiguration, target: string): VirtualHostConfig | undefined {
  const exact = findVirtualHost(rc.virtualHosts, target);
  if (exact !== undefined) return exact;
  const host = hostOf(target);
  return host === undefined ? undefined : findVirtualHost(rc.virtualHosts, host);
}

function clustersOf(vh: VirtualHostConfig): string[] {
  const names: string[] = [];
  for (const r of vh.routes) {
    if (r.action.kind === "cluster") names.push(r.action.cluster);
    else if (r.action.kind === "weighted_clusters") for (const c of r.action.clusters) names.push(c.name);
  }
  return [...new Set(names)];
}

export function watchTarget(
  client: XdsClient,
  target: string,
  watcher: TargetWatcher,
  options: WatchTargetOptions = {},
): CancelWatch {
  const listenerName = clientListenerName(client.bootstrap, {
    ...(options.authority === undefined ? {} : { authority: options.authority }),
    path: target,
  });
  if (listenerName === undefined) {
    throw new Error(
      `the bootstrap has no authority ${JSON.stringify(options.authority)} for target ${target}`,
    );
  }
  let closed = false;
  let listener: ClientListener | undefined;
  let route: RouteState = { kind: "none" };
  let lastVirtualHostError: string | undefined;
  const tree = new ClusterTree(client, {
    onChange: () => schedule(),
    onError: (e) => report(e),
  });

  const report = (e: XdsClientError) => {
    if (!closed) watcher.onError?.(e);
  };

  const schedule = coalesced(
    () => publish(),
    () => closed,
  );

  const setRoute = (next: RouteState) => {
    if (route.kind === "rds" && (next.kind !== "rds" || next.name !== route.name)) route.cancel();
    route = next;
  };

  const watchRoute = (name: string) => {
    if (route.kind === "rds" && route.name === name) return;
    const state: RouteState = {
      kind: "rds",
      name,
      cancel: () => {},
    };
    setRoute(state);
    state.cancel = client.watch("RouteConfiguration", name, {
      onUpdate: (rc) => {
        if (route !== state) return;
        state.value = rc;
        schedule();
      },
      onError: report,
      onResourceDoesNotExist: () => {
        if (route !== state) return;
        state.value = undefined;
        tree.setRoots([]);
        watcher.onResourceDoesNotExist?.({ kind: "RouteConfiguration", name });
      },
    });
  };

  const cancelListener = client.watch("Listener", listenerName, {
    onUpdate: (l) => {
      if (l.kind !== "client") {
        report(
          new XdsClientError(
            "resolution",
            `Listener ${listenerName} is a server listener, not an api_listener`,
          ),
        );
        return;
      }
      listener = l;
      const source = l.httpConnectionManager.routes;
      if (source.kind === "rds") watchRoute(source.routeConfigName);
      else setRoute({ kind: "inline", value: source.routeConfiguration });
      schedule();
    },
    onError: report,
    onResourceDoesNotExist: () => {
      // A27: without the listener nothing below it matters; forget it all until it comes back.
      listener = undefined;
      setRoute({ kind: "none" });
      tree.setRoots([]);
      watcher.onResourceDoesNotExist?.({ kind: "Listener", name: listenerName });
    },
  });

  const publish = () => {
    if (listener === undefined || route.kind === "none" || route.value === undefined) return;
    const rc = route.value;
    const vh = virtualHostFor(rc, target);
    if (vh === undefined) {
      tree.setRoots([]);
      const message = `RouteConfiguration ${rc.name} has no virtual host for ${target}`;
      if (message !== lastVirtualHostError) report(new XdsClientError("resolution", message));
      lastVirtualHostError = message;
      return;
    }
    lastVirtualHostError = undefined;
    const roots = clustersOf(vh);
    tree.setRoots(roots);
    if (!tree.settled()) return;
    const clusters = new Map<string, ResolvedCluster>();
    for (const name of roots) clusters.set(name, tree.resolve(name));
    const hcm = listener.httpConnectionManager;
    const config: TargetConfig = Object.freeze({
      target,
      listener,
      routeConfiguration: rc,
      virtualHost: vh,
      routes: vh.routes,
      httpFilters: hcm.httpFilters,
      ...(hcm.maxStreamDurationMs === undefined ? {} : { maxStreamDurationMs: hcm.maxStreamDurationMs }),
      clusters,
    });
    watcher.onUpdate(config);
  };

  return () => {
    if (closed) return;
    closed = true;
    cancelListener();
    setRoute({ kind: "none" });
    tree.close();
  };
}
