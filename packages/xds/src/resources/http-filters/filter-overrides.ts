// `typed_per_filter_config` on virtual hosts, routes and weighted clusters -> FilterOverrides (A39).
// The map is keyed by filter instance name; the value's type says which filter it configures, and may
// be wrapped in envoy.config.route.v3.FilterConfig (is_optional / disabled) and/or a TypedStruct.
import type { Any } from "@bufbuild/protobuf/wkt";
import { FilterConfigSchema } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { decodeExtension, unwrapExtension } from "../common/extension-config.js";
import { TypeName } from "../type-urls.js";
import type { FieldErrors } from "../validation.js";
import { overrideTypeFor } from "./registry.js";
import type { FilterOverrides, HttpFilterOverride } from "./types.js";

function overrideFrom(any: Any, errors: FieldErrors): HttpFilterOverride | undefined | "skip" {
  let config = unwrapExtension(any, errors);
  if (config === undefined) return undefined;
  let optional = false;
  if (config.typeName === TypeName.filterConfig) {
    const wrapper = decodeExtension(FilterConfigSchema, config, errors);
    if (wrapper === undefined) return undefined;
    if (wrapper.disabled) return { kind: "disabled" };
    optional = wrapper.isOptional;
    if (wrapper.config === undefined) {
      errors.at("config").add("is not set");
      return undefined;
    }
    config = unwrapExtension(wrapper.config, errors.at("config"));
    if (config === undefined) return undefined;
  }
  const type = overrideTypeFor(config.typeName);
  if (type?.parseOverride === undefined) {
    if (optional) return "skip";
    errors.add(`${config.typeName} is not a supported filter override and is not optional`);
    return undefined;
  }
  return type.parseOverride(config, errors);
}

export function filterOverridesFrom(
  map: { readonly [name: string]: Any },
  errors: FieldErrors,
): FilterOverrides {
  const out: Record<string, HttpFilterOverride> = {};
  for (const name of Object.keys(map).sort()) {
    const parsed = overrideFrom(map[name], errors.entry("typed_per_filter_config", name));
    if (parsed !== undefined && parsed !== "skip") out[name] = parsed;
  }
  return out;
}
