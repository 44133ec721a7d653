// Route.action -> RouteAction (A28, A31, A42, A44).
import type {
  Route,
  RouteAction as RouteActionMessage,
} from "../../gen/envoy/config/route/v3/route_components_pb.js";
import { nonNegativeMs } from "../common/duration.js";
import { filterOverridesFrom } from "../http-filters/filter-overrides.js";
import type { FieldErrors } from "../validation.js";
import { hashPoliciesFrom } from "./hash-policy.js";
import { retryPolicyFrom } from "./retry-policy.js";
import type { RetryPolicyConfig, RouteAction, WeightedClusterConfig } from "./types.js";

const UINT32_MAX = 0xffff_ffff;

/** A31: grpc_timeout_header_max wins over max_stream_duration; RouteAction.timeout is Envoy's, not gRPC's. */
function maxStreamDurationMs(action: RouteActionMessage, errors: FieldErrors): number | undefined {
  const msd = action.maxStreamDuration;
  if (msd === undefined) return undefined;
  const at = errors.at("max_stream_duration");
  if (msd.grpcTimeoutHeaderMax !== undefined)
    return nonNegativeMs(msd.grpcTimeoutHeaderMax, at.at("grpc_timeout_header_max"));
  if (msd.maxStreamDuration !== undefined)
    return nonNegativeMs(msd.maxStreamDuration, at.at("max_stream_duration"));
  return undefined;
}

/**
 * Undefined without a new error means "skip the route" (cluster_header and cluster specifier plugins,
 * which A28 ignores); with a new error, the route is invalid.
 */
export function routeActionFrom(
  route: Route,
  vhostRetryPolicy: RetryPolicyConfig | undefined,
  errors: FieldErrors,
): RouteAction | undefined {
  const a = route.action;
  if (a.case === "nonForwardingAction") return { kind: "non_forwarding" };
  if (a.case === "redirect" || a.case === "directResponse" || a.case === "filterAction") {
    const action =
      a.case === "redirect" ? "redirect" : a.case === "directResponse" ? "direct_response" : "filter_action";
    return { kind: "unsupported", action };
  }
  if (a.case !== "route") {
    errors.add("action is not set");
    return undefined;
  }
  const action = a.value;
  const at = errors.at("route");
  const before = errors.count;
  const spec = action.clusterSpecifier;
  if (
    spec.case === "clusterHeader" ||
    spec.case === "clusterSpecifierPlugin" ||
    spec.case === "inlineClusterSpecifierPlugin"
  ) {
    return undefined;
  }
  const msd = maxStreamDurationMs(action, at);
  let retryPolicy = vhostRetryPolicy;
  if (action.retryPolicy !== undefined)
    retryPolicy = retryPolicyFrom(action.retryPolicy, at.at("retry_policy"));
  const hashPolicies = hashPoliciesFrom(action.hashPolicy, at.at("hash_policy"));
  const common = {
    ...(msd === undefined ? {} : { maxStreamDurationMs: msd }),
    ...(retryPolicy === undefined ? {} : { retryPolicy }),
    hashPolicies,
  };
  if (spec.case === "cluster") {
    if (spec.value === "") at.at("cluster").add("must not be empty");
    return errors.count === before ? { kind: "cluster", cluster: spec.value, ...common } : undefined;
  }
  if (spec.case === "weightedClusters") {
    const wAt = at.at("weighted_clusters");
    const clusters: WeightedClusterConfig[] = [];
    let sum = 0;
    spec.value.clusters.forEach((c, i) => {
      const cAt = wAt.at("clusters").at(i);
      if (c.name === "") {
        cAt.at("name").add(c.clusterHeader === "" ? "must not be empty" : "cluster_header is not supported");
        return;
      }
      const weight = c.weight ?? 0;
      sum += weight;
      const filterOverrides = filterOverridesFrom(c.typedPerFilterConfig, cAt);
      // A zero-weight cluster can never be picked; leave it out.
      if (weight > 0) clusters.push({ name: c.name, weight, filterOverrides });
    });
    if (sum === 0) wAt.add("the sum of cluster weights must be greater than 0");
    if (sum > UINT32_MAX) wAt.add("the sum of cluster weights exceeds uint32");
    // total_weight is deprecated; when a control plane still sends it, it must agree with the sum.
    const total = spec.value.totalWeight;
    if (total !== undefined && total !== 0 && total !== sum) {
      wAt.at("total_weight").add(`is ${total} but the weights add up to ${sum}`);
    }
    if (errors.count !== before) return undefined;
    return { kind: "weighted_clusters", clusters, totalWeight: sum, ...common };
  }
  at.add("cluster_specifier is not set (cluster or weighted_clusters)");
  return undefined;
}
