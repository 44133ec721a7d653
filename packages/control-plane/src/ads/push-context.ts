// Everything one push serves: a version, a translator over the config and registry snapshots, and a
// cache of encoded resources keyed by what they depend on, so a thousand clients watching the same
// cluster cost one translation and one encoding. A context is immutable; the next push makes a new one.
import { createHash } from "node:crypto";
import { create, type DescMessage, type Message, toBinary } from "@bufbuild/protobuf";
import { type Any, AnySchema } from "@bufbuild/protobuf/wkt";
import type { ConfigSnapshot } from "../config/config-store.js";
import {
  ClusterLoadAssignmentSchema,
  ClusterSchema,
  ListenerSchema,
  RouteConfigurationSchema,
} from "../envoy/gen.js";
import type { ClientIdentity } from "../registry/node-metadata.js";
import type { RegistrySnapshot } from "../registry/registry-snapshot.js";
import type { TranslateOptions } from "../translate/translate-options.js";
import { isXdsTypeUrl, Translator, TypeUrl, type XdsTypeUrl } from "../translate/translator.js";
import { DUBBO_RULE_TYPE_URL, dubboRuleAny, dubboRules } from "./dubbo-rule-resources.js";
import { inScope, type PushScope } from "./push-scope.js";

export interface ResourceEntry {
  readonly name: string;
  /** The service host the resource belongs to (undefined for server listeners and Dubbo rules). */
  readonly host: string | undefined;
  readonly any: Any;
  /** Content hash: decides whether a client needs the resource again; also the delta-xDS version. */
  readonly hash: string;
}

const SCHEMAS: Record<XdsTypeUrl, DescMessage> = {
  [TypeUrl.listener]: ListenerSchema,
  [TypeUrl.routeConfiguration]: RouteConfigurationSchema,
  [TypeUrl.cluster]: ClusterSchema,
  [TypeUrl.clusterLoadAssignment]: ClusterLoadAssignmentSchema,
};

export const SERVED_TYPE_URLS: readonly string[] = [
  TypeUrl.cluster,
  TypeUrl.clusterLoadAssignment,
  TypeUrl.listener,
  TypeUrl.routeConfiguration,
  DUBBO_RULE_TYPE_URL,
];

/** LDS and CDS are "state of the world": every response lists all subscribed resources (A27, xDS spec). */
export function allRequired(typeUrl: string): boolean {
  return typeUrl === TypeUrl.listener || typeUrl === TypeUrl.cluster || typeUrl === DUBBO_RULE_TYPE_URL;
}

function entryOf(name: string, host: string | undefined, any: Any): ResourceEntry {
  return { name, host, any, hash: createHash("sha1").update(any.value).digest("base64url").slice(0, 16) };
}

export interface ContextLineage {
  /** The context this one replaces: its resources outside `scope` are still valid. */
  readonly previous: PushContext;
  readonly scope: PushScope;
}

export class PushContext {
  readonly translator: Translator;
  private readonly cache = new Map<string, ResourceEntry | null>();
  private rules: Map<string, ResourceEntry> | undefined;
  hits = 0;
  misses = 0;
  reused = 0;
  private lineage: ContextLineage | undefined;

  constructor(
    readonly version: number,
    readonly config: ConfigSnapshot,
    readonly registry: RegistrySnapshot,
    options: Partial<TranslateOptions> = {},
    lineage?: ContextLineage,
  ) {
    this.translator = new Translator(config, registry, options);
    // Only one generation back: the previous context stops looking further, so contexts do not chain.
    lineage?.previous.forgetLineage();
    this.lineage = lineage;
  }

  forgetLineage(): void {
    this.lineage = undefined;
  }

  /** A resource from the previous push, if its host is outside this push's scope. */
  private inherited(key: string): ResourceEntry | undefined {
    const l = this.lineage;
    if (l === undefined || l.scope === "all") return undefined;
    const e = l.previous.cached(key);
    // Server listeners (no host) depend on security policy and the caller: never inherited.
    if (e === undefined || e.host === undefined || inScope(l.scope, e.host)) return undefined;
    return e;
  }

  private cached(key: string): ResourceEntry | undefined {
    return this.cache.get(key) ?? this.inherited(key);
  }

  get versionInfo(): string {
    return String(this.version);
  }

  resource(typeUrl: string, name: string, node: ClientIdentity): ResourceEntry | undefined {
    if (typeUrl === DUBBO_RULE_TYPE_URL) return this.dubboRuleEntries().get(name);
    if (!isXdsTypeUrl(typeUrl)) return undefined;
    const key = `${typeUrl}\n${this.translator.cacheKey(typeUrl, name, node)}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached ?? undefined;
    }
    const old = this.inherited(key);
    if (old !== undefined) {
      this.reused++;
      this.cache.set(key, old);
      return old;
    }
    this.misses++;
    const msg: Message | undefined = this.translator.resource(typeUrl, name, node);
    const entry =
      msg === undefined
        ? undefined
        : entryOf(
            name,
            this.translator.hostOf(typeUrl, name, node),
            create(AnySchema, { typeUrl, value: toBinary(SCHEMAS[typeUrl], msg) }),
          );
    this.cache.set(key, entry ?? null);
    return entry;
  }

  wildcardNames(typeUrl: string): string[] {
    if (typeUrl === DUBBO_RULE_TYPE_URL) return [...this.dubboRuleEntries().keys()];
    return isXdsTypeUrl(typeUrl) ? this.translator.wildcardNames(typeUrl) : [];
  }

  private dubboRuleEntries(): Map<string, ResourceEntry> {
    if (this.rules === undefined) {
      this.rules = new Map(
        [...dubboRules(this.config)].map(([key, r]) => [key, entryOf(key, undefined, dubboRuleAny(r))]),
      );
    }
    return this.rules;
  }
}
