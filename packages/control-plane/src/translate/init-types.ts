// Init shapes (plain objects protobuf-es turns into messages) of the pieces the translator assembles.
import type { MessageInitShape } from "@bufbuild/protobuf";
import type {
  HeaderMatcherSchema,
  RetryPolicySchema,
  RouteAction_HashPolicySchema,
  RouteActionSchema,
  RouteMatchSchema,
  RouteSchema,
  StringMatcherSchema,
} from "../envoy/gen.js";

type Plain<T> = Exclude<T, { readonly $typeName: string }>;

export type RouteInit = Plain<MessageInitShape<typeof RouteSchema>>;
export type RouteMatchInit = Plain<MessageInitShape<typeof RouteMatchSchema>>;
export type RouteActionInit = Plain<MessageInitShape<typeof RouteActionSchema>>;
export type HeaderMatcherInit = Plain<MessageInitShape<typeof HeaderMatcherSchema>>;
export type StringMatcherInit = Plain<MessageInitShape<typeof StringMatcherSchema>>;
export type RetryPolicyInit = Plain<MessageInitShape<typeof RetryPolicySchema>>;
export type HashPolicyInit = Plain<MessageInitShape<typeof RouteAction_HashPolicySchema>>;
