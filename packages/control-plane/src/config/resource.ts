// A config resource as the store holds it: the object exactly as the user wrote it (for the API and
// /debug/configz) plus the checked, typed spec the translator reads.

import type { DestinationRuleSpec } from "./kinds/destination-rule.js";
import type { ConditionRouteSpec, DynamicConfigSpec, TagRouteSpec } from "./kinds/dubbo-rules.js";
import type { AuthorizationPolicySpec, PeerAuthenticationSpec } from "./kinds/security.js";
import type { ServiceEntrySpec } from "./kinds/service-entry.js";
import type { VirtualServiceSpec } from "./kinds/virtual-service.js";
import type { WorkloadEntrySpec } from "./kinds/workload-entry.js";
import type { WorkloadGroupSpec } from "./kinds/workload-group.js";

/** Kind -> its checked spec type. */
export interface Specs {
  VirtualService: VirtualServiceSpec;
  DestinationRule: DestinationRuleSpec;
  ServiceEntry: ServiceEntrySpec;
  WorkloadEntry: WorkloadEntrySpec;
  WorkloadGroup: WorkloadGroupSpec;
  PeerAuthentication: PeerAuthenticationSpec;
  AuthorizationPolicy: AuthorizationPolicySpec;
  ConditionRoute: ConditionRouteSpec;
  TagRoute: TagRouteSpec;
  DynamicConfig: DynamicConfigSpec;
}

export type Kind = keyof Specs;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export interface ResourceMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Changes whenever the resource's content changes (a content hash), like Kubernetes'. */
  readonly resourceVersion: string;
}

export interface SourceLocation {
  /** Path relative to the config directory, or `api` for resources not (yet) persisted. */
  readonly file: string;
  /** 1-based line of the document start. */
  readonly line: number;
}

export interface ConfigResource<K extends Kind = Kind> {
  readonly apiVersion: string;
  readonly kind: K;
  readonly metadata: ResourceMeta;
  /** The whole object as written (apiVersion, kind, metadata, spec), for round-tripping. */
  readonly raw: JsonObject;
  readonly spec: Specs[K];
  readonly source: SourceLocation;
}

export type AnyResource = { [K in Kind]: ConfigResource<K> }[Kind];

/** `Kind/namespace/name`: a resource's identity in the store. */
export function resourceKey(r: { kind: Kind; metadata: { namespace: string; name: string } }): string {
  return `${r.kind}/${r.metadata.namespace}/${r.metadata.name}`;
}
