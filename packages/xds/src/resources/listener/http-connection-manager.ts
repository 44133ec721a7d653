// HttpConnectionManager -> HttpConnectionManagerConfig, for api_listeners and server filter chains.
import type { HttpConnectionManager } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { nonNegativeMs } from "../common/duration.js";
import { httpFiltersFrom } from "../http-filters/http-filters.js";
import type { FilterSide } from "../http-filters/registry.js";
import { routeConfigurationFrom } from "../route-configuration/route-configuration-from.js";
import type { FieldErrors } from "../validation.js";
import type { HttpConnectionManagerConfig, RouteSource } from "./types.js";

function routeSourceFrom(hcm: HttpConnectionManager, errors: FieldErrors): RouteSource | undefined {
  const spec = hcm.routeSpecifier;
  switch (spec.case) {
    case "rds": {
      const at = errors.at("rds");
      const source = spec.value.configSource?.configSourceSpecifier.case;
      // There is one ADS stream; `ads` and `self` both mean it. Anything else needs another server.
      if (source !== "ads" && source !== "self") {
        at.at("config_source").add(`must be ads or self, got ${source ?? "nothing"}`);
        return undefined;
      }
      if (spec.value.routeConfigName === "") {
        at.at("route_config_name").add("must not be empty");
        return undefined;
      }
      return { kind: "rds", routeConfigName: spec.value.routeConfigName };
    }
    case "routeConfig": {
      const before = errors.count;
      const routeConfiguration = routeConfigurationFrom(spec.value, errors.at("route_config"));
      return errors.count === before ? { kind: "inline", routeConfiguration } : undefined;
    }
    case "scopedRoutes":
      errors.at("scoped_routes").add("is not supported; use rds or route_config");
      return undefined;
    default:
      errors.add("route_specifier is not set (rds or route_config)");
      return undefined;
  }
}

export function httpConnectionManagerFrom(
  hcm: HttpConnectionManager,
  side: FilterSide,
  errors: FieldErrors,
): HttpConnectionManagerConfig | undefined {
  const before = errors.count;
  // A41: gRPC treats remote_ip as the peer address, which is only right without XFF trust.
  if (hcm.xffNumTrustedHops !== 0) errors.at("xff_num_trusted_hops").add("must be 0");
  if (hcm.originalIpDetectionExtensions.length > 0) {
    errors.at("original_ip_detection_extensions").add("must be empty");
  }
  const routes = routeSourceFrom(hcm, errors);
  const httpFilters = httpFiltersFrom(hcm.httpFilters, side, errors.at("http_filters"));
  const msd = hcm.commonHttpProtocolOptions?.maxStreamDuration;
  const maxStreamDurationMs =
    msd === undefined
      ? undefined
      : nonNegativeMs(msd, errors.at("common_http_protocol_options").at("max_stream_duration"));
  if (errors.count !== before || routes === undefined) return undefined;
  return { routes, httpFilters, ...(maxStreamDurationMs === undefined ? {} : { maxStreamDurationMs }) };
}
