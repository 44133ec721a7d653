// Which HTTP filter types gRPC knows, where each may run, and how its configs parse (A39). A filter
// that is unknown, or known but not supported on this side (Fault on a server, RBAC on a client), is
// an error unless the control plane marked it `is_optional`; then it is left out.
import { HTTPFaultSchema } from "../../gen/envoy/extensions/filters/http/fault/v3/fault_pb.js";
import { RBACPerRouteSchema, RBACSchema } from "../../gen/envoy/extensions/filters/http/rbac/v3/rbac_pb.js";
import { RouterSchema } from "../../gen/envoy/extensions/filters/http/router/v3/router_pb.js";
import { decodeExtension, type ExtensionConfig } from "../common/extension-config.js";
import { TypeName } from "../type-urls.js";
import type { FieldErrors } from "../validation.js";
import { faultFrom } from "./fault.js";
import { rbacFrom, rbacPerRouteFrom } from "./rbac.js";
import type { FaultConfig, RbacConfig } from "./types.js";

export type FilterSide = "client" | "server";

type Parsed =
  | { readonly kind: "router" }
  | { readonly kind: "fault"; readonly config: FaultConfig }
  | { readonly kind: "rbac"; readonly config: RbacConfig };

type ParsedOverride =
  | { readonly kind: "fault"; readonly config: FaultConfig }
  | { readonly kind: "rbac"; readonly config: RbacConfig };

interface FilterType {
  readonly sides: readonly FilterSide[];
  /** The router ends the chain; nothing may follow it. */
  readonly terminal: boolean;
  parse(config: ExtensionConfig, errors: FieldErrors): Parsed | undefined;
  /** Absent: the filter takes no per-route overrides. */
  readonly overrideTypeName?: string;
  parseOverride?(config: ExtensionConfig, errors: FieldErrors): ParsedOverride | undefined;
}

const fault = (config: ExtensionConfig, errors: FieldErrors): ParsedOverride | undefined => {
  const msg = decodeExtension(HTTPFaultSchema, config, errors);
  const parsed = msg === undefined ? undefined : faultFrom(msg, errors);
  return parsed === undefined ? undefined : { kind: "fault", config: parsed };
};

const filterTypes: ReadonlyMap<string, FilterType> = new Map<string, FilterType>([
  [
    TypeName.router,
    {
      sides: ["client", "server"],
      terminal: true,
      parse: (config, errors) =>
        decodeExtension(RouterSchema, config, errors) === undefined ? undefined : { kind: "router" },
    },
  ],
  [
    TypeName.fault,
    {
      sides: ["client"],
      terminal: false,
      parse: fault,
      overrideTypeName: TypeName.fault,
      parseOverride: fault,
    },
  ],
  [
    TypeName.rbac,
    {
      sides: ["server"],
      terminal: false,
      parse: (config, errors) => {
        const msg = decodeExtension(RBACSchema, config, errors);
        const parsed = msg === undefined ? undefined : rbacFrom(msg, errors);
        return parsed === undefined ? undefined : { kind: "rbac", config: parsed };
      },
      overrideTypeName: TypeName.rbacPerRoute,
      parseOverride: (config, errors) => {
        const msg = decodeExtension(RBACPerRouteSchema, config, errors);
        const parsed = msg === undefined ? undefined : rbacPerRouteFrom(msg, errors);
        return parsed === undefined ? undefined : { kind: "rbac", config: parsed };
      },
    },
  ],
]);

export function filterTypeFor(typeName: string): FilterType | undefined {
  return filterTypes.get(typeName);
}

const overrideTypes: ReadonlyMap<string, FilterType> = new Map(
  [...filterTypes.values()].flatMap((t) =>
    t.overrideTypeName === undefined ? [] : [[t.overrideTypeName, t]],
  ),
);

export function overrideTypeFor(typeName: string): FilterType | undefined {
  return overrideTypes.get(typeName);
}
