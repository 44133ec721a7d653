// RouteConfiguration message -> ValidatedRouteConfiguration. Shared by RDS and by route configs inlined
// in an HttpConnectionManager (server listeners, A36). Resource-level naming is the caller's business.
import type { RouteConfiguration } from "../../gen/envoy/config/route/v3/route_pb.js";
import { filterOverridesFrom } from "../http-filters/filter-overrides.js";
import type { FieldErrors } from "../validation.js";
import { checkDomainPattern } from "./domain-match.js";
import { retryPolicyFrom } from "./retry-policy.js";
import { routeActionFrom } from "./route-action.js";
import { routeMatchFrom } from "./route-match.js";
import type { RouteConfig, ValidatedRouteConfiguration, VirtualHostConfig } from "./types.js";

export function routeConfigurationFrom(
  rc: RouteConfiguration,
  errors: FieldErrors,
): ValidatedRouteConfiguration {
  const virtualHosts: VirtualHostConfig[] = [];
  rc.virtualHosts.forEach((vh, i) => {
    const at = errors.at("virtual_hosts").at(i);
    const domains: string[] = [];
    vh.domains.forEach((d, j) => {
      if (checkDomainPattern(d, at.at("domains").at(j))) domains.push(d.toLowerCase());
    });
    const retryPolicy =
      vh.retryPolicy === undefined ? undefined : retryPolicyFrom(vh.retryPolicy, at.at("retry_policy"));
    const routes: RouteConfig[] = [];
    vh.routes.forEach((route, j) => {
      const rAt = at.at("routes").at(j);
      const before = errors.count;
      if (route.match === undefined) {
        rAt.at("match").add("is not set");
        return;
      }
      const match = routeMatchFrom(route.match, rAt.at("match"));
      const action = routeActionFrom(route, retryPolicy, rAt);
      const filterOverrides = filterOverridesFrom(route.typedPerFilterConfig, rAt);
      // No new error and no match/action: a route A28 says to ignore (e.g. cluster_header).
      if (errors.count !== before || match === undefined || action === undefined) return;
      routes.push({ name: route.name, match, action, filterOverrides });
    });
    virtualHosts.push({
      name: vh.name,
      domains,
      routes,
      filterOverrides: filterOverridesFrom(vh.typedPerFilterConfig, at),
    });
  });
  return {
    name: rc.name,
    virtualHosts,
    filterOverrides: filterOverridesFrom(rc.typedPerFilterConfig, errors),
  };
}
