// HttpConnectionManager.http_filters -> HttpFilterConfig[] (A39).
import type { HttpFilter } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { unwrapExtension } from "../common/extension-config.js";
import type { FieldErrors } from "../validation.js";
import { type FilterSide, filterTypeFor } from "./registry.js";
import type { HttpFilterConfig } from "./types.js";

/**
 * Every filter must have a unique non-empty name and a typed_config; the router must come last. An
 * empty list is accepted (grpc-js-xds does the same) and means "router only".
 */
export function httpFiltersFrom(
  filters: readonly HttpFilter[],
  side: FilterSide,
  errors: FieldErrors,
): HttpFilterConfig[] {
  const out: HttpFilterConfig[] = [];
  const names = new Set<string>();
  filters.forEach((filter, i) => {
    const at = errors.at(i);
    const label = `filter ${JSON.stringify(filter.name)}`;
    if (filter.name === "") at.at("name").add("must not be empty");
    else if (names.has(filter.name))
      at.at("name").add(`duplicate filter name ${JSON.stringify(filter.name)}`);
    names.add(filter.name);
    const isLast = i === filters.length - 1;
    if (filter.configType.case !== "typedConfig") {
      // config_discovery (ECDS) is not supported; an optional filter may be skipped.
      if (!filter.isOptional) at.add(`${label}: typed_config is required`);
      if (isLast) at.add(`${label}: the last filter must be the router`);
      return;
    }
    const config = unwrapExtension(filter.configType.value, at.at("typed_config"));
    if (config === undefined) return;
    const type = filterTypeFor(config.typeName);
    if (type?.terminal === true && !isLast) at.add(`${label}: the router must be the last filter`);
    if (type?.terminal !== true && isLast) at.add(`${label}: the last filter must be the router`);
    if (type === undefined || !type.sides.includes(side)) {
      if (!filter.isOptional) {
        const why = type === undefined ? "is not a supported filter" : `is not supported on the ${side} side`;
        at.add(`${label} (${config.typeName}) ${why} and is not optional`);
      }
      return;
    }
    const parsed = type.parse(config, at.at("typed_config"));
    if (parsed !== undefined) out.push({ ...parsed, name: filter.name, disabled: filter.disabled });
  });
  return out;
}
