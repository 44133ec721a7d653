import type { ConfiguratorRule } from "../config/configurator/configurator-rule.js";
import {
  type ConfigTarget,
  type ConsumerOverride,
  consumerOverride,
  providerOverride,
} from "../config/configurator/configurators.js";
import { CONDITION_ROUTER_SUFFIX, CONFIGURATORS_SUFFIX, TAG_ROUTER_SUFFIX } from "../config/rule-keys.js";
import type { RuleStore } from "../config/rule-store.js";
import type { Directory } from "../directory/directory.js";
import type { ConditionRouter } from "../router/condition/condition-router.js";
import type { ConditionRule } from "../router/condition/condition-rule.js";
import type { TagRouter } from "../router/tag/tag-router.js";
import type { TagRule } from "../router/tag/tag-rule.js";

/** The app's rule stores, one per rule kind. */
export interface RuleStores {
  readonly condition: RuleStore<ConditionRule>;
  readonly tag: RuleStore<TagRule>;
  readonly configurators: RuleStore<ConfiguratorRule>;
}

export interface LiveRulesArgs {
  readonly stores: RuleStores;
  readonly directory: Directory;
  /** `interface:version:group`, the prefix of the service-scope keys. */
  readonly serviceKey: string;
  readonly target: ConfigTarget;
  readonly conditionRouter: ConditionRouter;
  readonly tagRouter: TagRouter;
  /** Consumer-side dynamic configuration changed (timeouts, retries, balancer, cluster). */
  readonly onConsumerConfig: (override: ConsumerOverride) => void;
}

/**
 * Keeps one client's rules current: the service's and the consumer application's keys from the start,
 * and each provider application's (tag, condition, configurators) as its endpoints come and go.
 * Condition and tag rules go to their routers; configurators become the directory's endpoint override
 * (weight, disabled) and the client's consumer settings.
 */
export class LiveRules {
  private readonly unsubscribe: (() => void)[] = [];
  private readonly providerApps = new Map<string, (() => void)[]>();
  private readonly configRules = new Map<string, ConfiguratorRule>();
  private readonly consumerApp: string;
  private closed = false;

  constructor(private readonly a: LiveRulesArgs) {
    this.consumerApp = a.target.application;
    const svc = a.serviceKey;
    const app = this.consumerApp;
    this.updateConditionOrder();
    this.watchCondition(svc + CONDITION_ROUTER_SUFFIX, this.unsubscribe);
    this.watchConfigurators(svc + CONFIGURATORS_SUFFIX, this.unsubscribe);
    if (app !== "") {
      this.watchCondition(app + CONDITION_ROUTER_SUFFIX, this.unsubscribe);
      this.watchConfigurators(app + CONFIGURATORS_SUFFIX, this.unsubscribe);
    }
    this.unsubscribe.push(a.directory.onChange(() => this.onDirectoryChange()));
  }

  close(): void {
    this.closed = true;
    for (const u of this.unsubscribe) u();
    for (const list of this.providerApps.values()) for (const u of list) u();
    this.providerApps.clear();
  }

  private watchCondition(key: string, into: (() => void)[]): void {
    into.push(this.a.stores.condition.watch(key, (r) => this.a.conditionRouter.setRule(key, r)));
  }

  private watchConfigurators(key: string, into: (() => void)[]): void {
    into.push(this.a.stores.configurators.watch(key, (r) => this.setConfigRule(key, r)));
  }

  /** Service scope first, then the provider applications', then the consumer application's (Dubbo's order). */
  private updateConditionOrder(): void {
    const keys = [this.a.serviceKey + CONDITION_ROUTER_SUFFIX];
    for (const p of this.providerApps.keys()) keys.push(p + CONDITION_ROUTER_SUFFIX);
    if (this.consumerApp !== "") keys.push(this.consumerApp + CONDITION_ROUTER_SUFFIX);
    this.a.conditionRouter.setOrder(keys);
  }

  /** Provider applications come and go with the endpoints; their rules follow. */
  private onDirectoryChange(): void {
    if (this.closed) return;
    const apps = new Set<string>();
    for (const inv of this.a.directory.all()) {
      const app = inv.param("application");
      if (app !== undefined && app !== "") apps.add(app);
    }
    let changed = false;
    for (const [app, unsubs] of this.providerApps) {
      if (apps.has(app)) continue;
      for (const u of unsubs) u();
      this.providerApps.delete(app);
      this.a.tagRouter.setRule(app, undefined);
      this.a.conditionRouter.setRule(app + CONDITION_ROUTER_SUFFIX, undefined);
      this.configRules.delete(app + CONFIGURATORS_SUFFIX);
      changed = true;
    }
    const added: string[] = [];
    for (const app of apps) {
      if (this.providerApps.has(app)) continue;
      // Registered before subscribing: a subscription may answer at once and change the directory again.
      this.providerApps.set(app, []);
      added.push(app);
      changed = true;
    }
    if (!changed) return;
    this.updateConditionOrder();
    for (const app of added) {
      const unsubs = this.providerApps.get(app)!;
      unsubs.push(this.a.stores.tag.watch(app + TAG_ROUTER_SUFFIX, (r) => this.a.tagRouter.setRule(app, r)));
      this.watchCondition(app + CONDITION_ROUTER_SUFFIX, unsubs);
      this.watchConfigurators(app + CONFIGURATORS_SUFFIX, unsubs);
    }
  }

  private setConfigRule(key: string, rule: ConfiguratorRule | undefined): void {
    if (rule === undefined) this.configRules.delete(key);
    else this.configRules.set(key, rule);
    // Application scope first, service scope last: the more specific rule wins, as in Dubbo.
    const ordered: ConfiguratorRule[] = [];
    const push = (k: string) => {
      const r = this.configRules.get(k);
      if (r !== undefined) ordered.push(r);
    };
    if (this.consumerApp !== "") push(this.consumerApp + CONFIGURATORS_SUFFIX);
    for (const app of this.providerApps.keys()) push(app + CONFIGURATORS_SUFFIX);
    push(this.a.serviceKey + CONFIGURATORS_SUFFIX);
    const target = this.a.target;
    this.a.onConsumerConfig(consumerOverride(ordered, target));
    this.a.directory.setOverride(
      ordered.length === 0 ? undefined : (inv) => providerOverride(ordered, inv, target),
    );
  }
}
