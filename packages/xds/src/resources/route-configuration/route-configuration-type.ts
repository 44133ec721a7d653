// RDS: envoy.config.route.v3.RouteConfiguration -> ValidatedRouteConfiguration.
import { RouteConfigurationSchema } from "../../gen/envoy/config/route/v3/route_pb.js";
import { defineResourceType } from "../resource-type.js";
import { DubboTypeUrl, TypeName } from "../type-urls.js";
import { routeConfigurationFrom } from "./route-configuration-from.js";

export const routeConfigurationType = defineResourceType({
  kind: "RouteConfiguration",
  typeName: TypeName.routeConfiguration,
  aliasTypeUrls: [DubboTypeUrl.routeConfiguration],
  schema: RouteConfigurationSchema,
  allResourcesRequiredInSotW: false,
  nameOf: (rc) => rc.name,
  check: (rc, errors) => routeConfigurationFrom(rc, errors),
});
