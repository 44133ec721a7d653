// Every kind the store accepts: its API groups and versions (Istio's v1, v1beta1, v1alpha3 are the
// same schema), the path segment the HTTP API uses, and its spec checker.
import type { Check } from "../check.js";
import type { Kind, Specs } from "../resource.js";
import { checkDestinationRule } from "./destination-rule.js";
import { checkConditionRoute, checkDynamicConfig, checkTagRoute } from "./dubbo-rules.js";
import { checkAuthorizationPolicy, checkPeerAuthentication } from "./security.js";
import { checkServiceEntry } from "./service-entry.js";
import { checkVirtualService } from "./virtual-service.js";
import { checkWorkloadEntry } from "./workload-entry.js";
import { checkWorkloadGroup } from "./workload-group.js";

export interface KindInfo<K extends Kind = Kind> {
  readonly kind: K;
  readonly group: string;
  readonly versions: readonly string[];
  /** Lower-case plural, as in Kubernetes URLs (`virtualservices`). */
  readonly plural: string;
  check(spec: unknown, c: Check): Specs[K] | undefined;
}

const NETWORKING = "networking.istio.io";
const SECURITY = "security.istio.io";
export const DUBBO_GROUP = "dubbo.apache.org";
const NETWORKING_VERSIONS = ["v1", "v1beta1", "v1alpha3"];

function info<K extends Kind>(
  kind: K,
  group: string,
  versions: readonly string[],
  check: KindInfo<K>["check"],
): KindInfo<K> {
  const lower = kind.toLowerCase();
  const plural = lower.endsWith("y") ? `${lower.slice(0, -1)}ies` : `${lower}s`;
  return { kind, group, versions, plural, check };
}

export const KINDS: { readonly [K in Kind]: KindInfo<K> } = {
  VirtualService: info("VirtualService", NETWORKING, NETWORKING_VERSIONS, checkVirtualService),
  DestinationRule: info("DestinationRule", NETWORKING, NETWORKING_VERSIONS, checkDestinationRule),
  ServiceEntry: info("ServiceEntry", NETWORKING, NETWORKING_VERSIONS, checkServiceEntry),
  WorkloadEntry: info("WorkloadEntry", NETWORKING, NETWORKING_VERSIONS, (s, c) => checkWorkloadEntry(s, c)),
  WorkloadGroup: info("WorkloadGroup", NETWORKING, ["v1", "v1beta1", "v1alpha3"], checkWorkloadGroup),
  PeerAuthentication: info("PeerAuthentication", SECURITY, ["v1", "v1beta1"], checkPeerAuthentication),
  AuthorizationPolicy: info("AuthorizationPolicy", SECURITY, ["v1", "v1beta1"], checkAuthorizationPolicy),
  ConditionRoute: info("ConditionRoute", DUBBO_GROUP, ["v1alpha1"], checkConditionRoute),
  TagRoute: info("TagRoute", DUBBO_GROUP, ["v1alpha1"], checkTagRoute),
  DynamicConfig: info("DynamicConfig", DUBBO_GROUP, ["v1alpha1"], checkDynamicConfig),
};

export const KIND_NAMES = Object.keys(KINDS) as Kind[];

/** The kind for an API path segment: `virtualservices`, `virtualservice` or `VirtualService`. */
export function kindFromSegment(segment: string): Kind | undefined {
  const s = segment.toLowerCase();
  return KIND_NAMES.find((k) => k.toLowerCase() === s || KINDS[k].plural === s);
}

export function kindInfo(kind: Kind): KindInfo {
  return KINDS[kind] as KindInfo;
}
