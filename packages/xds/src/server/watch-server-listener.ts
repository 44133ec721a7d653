// The xDS side of an xDS-enabled server (A36): watch the server Listener named by the bootstrap's
// server_listener_resource_name_template and the RouteConfigurations its filter chains fetch over RDS,
// and publish one complete configuration (the A74 rule: only once every RDS name has answered) each
// time any of them changes. Rejected updates never reach here (the XdsClient keeps the last good
// resource), so the last good configuration stays in force on a NACK.
import { serverListenerName } from "../bootstrap/listener-names.js";
import type { CancelWatch } from "../client/watcher.js";
import type { XdsClient } from "../client/xds-client.js";
import { XdsClientError } from "../client/xds-client-error.js";
import { coalesced } from "../resolver/coalesce.js";
import type { HostPort } from "../resources/common/socket-address.js";
import type { FilterChainConfig, ServerListener } from "../resources/listener/types.js";
import type { ValidatedRouteConfiguration } from "../resources/route-configuration/types.js";
import { InboundRouting } from "./inbound-routing.js";

export interface ServerListenerConfig {
  readonly listener: ServerListener;
  /**
   * A chain's routing (by the chain object of `listener`). Undefined: its RouteConfiguration does not
   * exist, and calls on that chain fail UNAVAILABLE.
   */
  routingOf(chain: FilterChainConfig): InboundRouting | undefined;
}

export interface ServerListenerWatcher {
  onUpdate(config: ServerListenerConfig): void;
  /** The Listener does not exist (deleted, or never there in time): the server is not serving. */
  onResourceDoesNotExist(name: string): void;
  /** A rejected update or trouble with the stream; the last configuration stays in force. */
  onError?(error: XdsClientError): void;
}

interface RdsState {
  readonly cancel: CancelWatch;
  /** undefined: no answer yet; null: does not exist. */
  value: ValidatedRouteConfiguration | null | undefined;
}

/** The listener name for a server listening on `hostPort` (`ip:port`, `[v6]:port`). */
export function serverListenerNameFor(client: XdsClient, hostPort: string): string {
  const name = serverListenerName(client.bootstrap, hostPort);
  if (name === undefined) {
    throw new Error(
      "the xDS bootstrap has no server_listener_resource_name_template, which an xDS-enabled server needs",
    );
  }
  return name;
}

/** `ip:port` as A36 fills the template: IPv6 in brackets. */
export function hostPortText(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

function isWildcard(host: string): boolean {
  return host === "0.0.0.0" || host === "::" || host === "";
}

/**
 * A36: the Listener must carry the address the server listens on. A wildcard on either side (a
 * server bound to 0.0.0.0 told its pod IP, or the reverse) is accepted; the port must be equal.
 */
export function listenerAddressMatches(address: HostPort, host: string, port: number): boolean {
  if (address.port !== port) return false;
  const a = address.host.replace(/^\[|\]$/g, "");
  return a === host || isWildcard(a) || isWildcard(host);
}

export function watchServerListener(
  client: XdsClient,
  listenerName: string,
  watcher: ServerListenerWatcher,
): CancelWatch {
  let closed = false;
  let listener: ServerListener | undefined;
  const rds = new Map<string, RdsState>();

  const report = (e: XdsClientError) => {
    if (!closed) watcher.onError?.(e);
  };

  // One ADS response can update the listener and several routes: settle them into one publish.
  const schedule = coalesced(
    () => publish(),
    () => closed,
  );

  const chainsOf = (l: ServerListener): FilterChainConfig[] =>
    l.defaultFilterChain === undefined ? [...l.filterChains] : [...l.filterChains, l.defaultFilterChain];

  const syncRds = (l: ServerListener | undefined) => {
    const wanted = new Set<string>();
    if (l !== undefined) {
      for (const c of chainsOf(l)) {
        const r = c.httpConnectionManager.routes;
        if (r.kind === "rds") wanted.add(r.routeConfigName);
      }
    }
    for (const [name, state] of rds) {
      if (!wanted.has(name)) {
        state.cancel();
        rds.delete(name);
      }
    }
    for (const name of wanted) {
      if (rds.has(name)) continue;
      const state: RdsState = {
        value: undefined,
        cancel: client.watch("RouteConfiguration", name, {
          onUpdate: (rc) => {
            if (rds.get(name) !== state) return;
            state.value = rc;
            schedule();
          },
          onError: report,
          onResourceDoesNotExist: () => {
            if (rds.get(name) !== state) return;
            state.value = null;
            report(new XdsClientError("resolution", `RouteConfiguration ${name} does not exist`));
            schedule();
          },
        }),
      };
      rds.set(name, state);
    }
  };

  const cancelListener = client.watch("Listener", listenerName, {
    onUpdate: (l) => {
      if (l.kind !== "server") {
        report(
          new XdsClientError(
            "resolution",
            `Listener ${listenerName} is an api_listener, not a server listener`,
          ),
        );
        return;
      }
      listener = l;
      syncRds(l);
      schedule();
    },
    onError: report,
    onResourceDoesNotExist: () => {
      listener = undefined;
      syncRds(undefined);
      if (!closed) watcher.onResourceDoesNotExist(listenerName);
    },
  });

  const publish = () => {
    const l = listener;
    if (l === undefined) return;
    const routing = new Map<FilterChainConfig, InboundRouting | undefined>();
    for (const chain of chainsOf(l)) {
      const hcm = chain.httpConnectionManager;
      const r = hcm.routes;
      let rc: ValidatedRouteConfiguration | null | undefined;
      if (r.kind === "inline") rc = r.routeConfiguration;
      else rc = rds.get(r.routeConfigName)?.value;
      if (rc === undefined) return; // still waiting for an RDS answer
      routing.set(chain, rc === null ? undefined : new InboundRouting(hcm, rc));
    }
    watcher.onUpdate(
      Object.freeze({ listener: l, routingOf: (chain: FilterChainConfig) => routing.get(chain) }),
    );
  };

  return () => {
    if (closed) return;
    closed = true;
    cancelListener();
    syncRds(undefined);
  };
}
