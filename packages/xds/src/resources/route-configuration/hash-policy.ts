// RouteAction.hash_policy -> HashPolicyConfig[] (A42). Only `header` and filter_state
// `io.grpc.channel_id` mean something to gRPC; cookie, connection_properties and query_parameter
// policies are dropped, as A42 says.
import type { RouteAction_HashPolicy } from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { re2Substitution, searchRegExp } from "../common/re2.js";
import type { FieldErrors } from "../validation.js";
import type { HashPolicyConfig } from "./types.js";

const CHANNEL_ID_KEY = "io.grpc.channel_id";

export function hashPoliciesFrom(
  policies: readonly RouteAction_HashPolicy[],
  errors: FieldErrors,
): HashPolicyConfig[] {
  const out: HashPolicyConfig[] = [];
  policies.forEach((policy, i) => {
    const at = errors.at(i);
    const spec = policy.policySpecifier;
    if (spec.case === "header") {
      const header = spec.value;
      if (header.headerName === "") {
        at.at("header").at("header_name").add("must not be empty");
        return;
      }
      let regexRewrite: Extract<HashPolicyConfig, { kind: "header" }>["regexRewrite"];
      if (header.regexRewrite !== undefined) {
        const rewriteAt = at.at("header").at("regex_rewrite");
        const regex = header.regexRewrite.pattern?.regex;
        if (regex === undefined) {
          rewriteAt.at("pattern").add("is not set");
          return;
        }
        const pattern = searchRegExp(regex, rewriteAt.at("pattern"));
        if (pattern === undefined) return;
        regexRewrite = { regex, pattern, replacement: re2Substitution(header.regexRewrite.substitution) };
      }
      out.push({
        kind: "header",
        headerName: header.headerName.toLowerCase(),
        ...(regexRewrite === undefined ? {} : { regexRewrite }),
        terminal: policy.terminal,
      });
    } else if (spec.case === "filterState" && spec.value.key === CHANNEL_ID_KEY) {
      out.push({ kind: "channel_id", terminal: policy.terminal });
    }
  });
  return out;
}
