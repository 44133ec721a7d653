// What an xDS-enabled server does with each call on a filter chain (A36, A39, A41): pick the virtual
// host by authority and the first matching route of the chain's RouteConfiguration; a call that
// matches none, or a route that is not `non_forwarding_action`, fails UNAVAILABLE. Then the chain's
// HTTP filters run with that route's overrides: each RBAC filter in order, the first denial failing
// the call PERMISSION_DENIED.

import { evaluateRbacChain, RbacEngine } from "../rbac/rbac-engine.js";
import type { RbacRequest } from "../rbac/rbac-request.js";
import type { FilterOverrides, HttpFilterOverride } from "../resources/http-filters/types.js";
import type { HttpConnectionManagerConfig } from "../resources/listener/types.js";
import { findVirtualHost } from "../resources/route-configuration/domain-match.js";
import { matchRoute } from "../resources/route-configuration/route-match.js";
import type {
  RouteConfig,
  ValidatedRouteConfiguration,
  VirtualHostConfig,
} from "../resources/route-configuration/types.js";

/** gRPC status codes used here (the xds package does not depend on an RPC library). */
export const StatusCode = { PermissionDenied: 7, Unavailable: 14 } as const;

export type InboundDecision =
  | { readonly allowed: true; readonly route: RouteConfig }
  | {
      readonly allowed: false;
      readonly code: (typeof StatusCode)[keyof typeof StatusCode];
      readonly message: string;
      /** The RBAC policy that denied the call, when one did. */
      readonly policy?: string;
    };

/** gRPC's words for an RBAC denial (and Envoy's response body). */
export const RBAC_DENIED_MESSAGE = "RBAC: access denied";

function overrideFor(
  name: string,
  route: RouteConfig,
  vh: VirtualHostConfig,
  rc: ValidatedRouteConfiguration,
): HttpFilterOverride | undefined {
  const pick = (o: FilterOverrides) => (Object.hasOwn(o, name) ? o[name] : undefined);
  return pick(route.filterOverrides) ?? pick(vh.filterOverrides) ?? pick(rc.filterOverrides);
}

/** One filter chain's HttpConnectionManager with the RouteConfiguration in force for it. */
export class InboundRouting {
  /** RBAC engines per route, compiled on the route's first call. */
  private readonly engines = new Map<RouteConfig, readonly RbacEngine[]>();

  constructor(
    readonly hcm: HttpConnectionManagerConfig,
    readonly routes: ValidatedRouteConfiguration,
  ) {}

  evaluate(request: RbacRequest): InboundDecision {
    const authority = request.header(":authority") ?? "";
    const vh = findVirtualHost(this.routes.virtualHosts, authority);
    if (vh === undefined) {
      return {
        allowed: false,
        code: StatusCode.Unavailable,
        message: `xDS server: no virtual host of route configuration ${this.routes.name} matches authority "${authority}"`,
      };
    }
    const attributes = {
      path: request.path,
      // A28: binary headers take no part in route matching.
      header: (name: string) => (name.endsWith("-bin") ? undefined : request.header(name)),
    };
    let route: RouteConfig | undefined;
    for (const r of vh.routes) {
      if (matchRoute(r.match, attributes)) {
        route = r;
        break;
      }
    }
    if (route === undefined) {
      return {
        allowed: false,
        code: StatusCode.Unavailable,
        message: `xDS server: no route of virtual host ${vh.name} matches ${request.path}`,
      };
    }
    if (route.action.kind !== "non_forwarding") {
      return {
        allowed: false,
        code: StatusCode.Unavailable,
        message: `xDS server: the route matching ${request.path} is not a non-forwarding route (${route.action.kind})`,
      };
    }
    let engines = this.engines.get(route);
    if (engines === undefined) {
      engines = this.compile(route, vh);
      this.engines.set(route, engines);
    }
    const d = evaluateRbacChain(engines, request);
    if (d.allowed) return { allowed: true, route };
    return {
      allowed: false,
      code: StatusCode.PermissionDenied,
      message: RBAC_DENIED_MESSAGE,
      ...(d.policy === undefined ? {} : { policy: d.policy }),
    };
  }

  /** The RBAC filters in force on a route: per-route overrides replace or disable a filter (A39). */
  private compile(route: RouteConfig, vh: VirtualHostConfig): readonly RbacEngine[] {
    const out: RbacEngine[] = [];
    for (const f of this.hcm.httpFilters) {
      if (f.kind !== "rbac") continue;
      const o = overrideFor(f.name, route, vh, this.routes);
      if (o?.kind === "disabled") continue;
      // A filter disabled in the HCM runs only where an override configures it.
      const config = o?.kind === "rbac" ? o.config : f.disabled ? undefined : f.config;
      const engine = config === undefined ? undefined : RbacEngine.compile(config);
      if (engine !== undefined) out.push(engine);
    }
    return out;
  }
}
