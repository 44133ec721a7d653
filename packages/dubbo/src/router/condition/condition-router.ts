import type { Invocation } from "../../client/invocation.js";
import type { Invoker } from "../../directory/invoker.js";
import { callValues, termMatches } from "../call-values.js";
import type { ConsumerInfo, Router } from "../router.js";
import type { ConditionMatcher } from "./condition-expression.js";
import type { ConditionRule, MultiDestCondition, SimpleCondition } from "./condition-rule.js";
import type { ConsumerParam } from "./value-pattern.js";

const EMPTY: readonly Invoker[] = Object.freeze([]);

/**
 * Condition routing with the rules of several keys (service scope, provider application, consumer
 * application), applied in that order unless their `priority` says otherwise (higher first); within a
 * rule, conditions apply one after the other, each
 * narrowing what the previous left, as Dubbo's ListenableStateRouter does. Rules are always evaluated
 * per call (`runtime: false` caching is not needed at these list sizes).
 */
export class ConditionRouter implements Router {
  readonly name = "condition";
  private readonly slots = new Map<string, ConditionRule>();
  private order: readonly string[] = [];
  private active: readonly ConditionRule[] = [];
  private readonly consumer: ConsumerParam;

  constructor(
    info: ConsumerInfo,
    private readonly random: () => number = Math.random,
  ) {
    const params = info.params;
    this.consumer = (k) => params[k];
  }

  /** The keys in evaluation order; a key without a rule is skipped. */
  setOrder(keys: readonly string[]): void {
    this.order = keys;
    this.refresh();
  }

  setRule(key: string, rule: ConditionRule | undefined): void {
    if (rule === undefined) this.slots.delete(key);
    else this.slots.set(key, rule);
    this.refresh();
  }

  route(invokers: readonly Invoker[], inv: Invocation): readonly Invoker[] {
    const rules = this.active;
    if (rules.length === 0) return invokers;
    let list = invokers;
    for (const rule of rules) {
      for (const c of rule.conditions) {
        if (list.length === 0) return list;
        list = c.kind === "simple" ? this.simple(c, rule.force, list, inv) : this.multi(c, list, inv);
      }
    }
    return list;
  }

  /** Rules in force: by `priority` (higher first), then in key order (service, provider app, consumer app). */
  private refresh(): void {
    const out: ConditionRule[] = [];
    for (const key of this.order) {
      const r = this.slots.get(key);
      if (r?.enabled) out.push(r);
    }
    this.active = out
      .map((r, i) => ({ r, i }))
      .sort((a, b) => b.r.priority - a.r.priority || a.i - b.i)
      .map((x) => x.r);
  }

  private whenMatches(when: readonly ConditionMatcher[], inv: Invocation): boolean {
    for (const term of when) {
      if (!termMatches(term, callValues(term.key, inv, this.consumer), this.consumer)) return false;
    }
    return true;
  }

  private thenFilter(then: readonly ConditionMatcher[], invokers: readonly Invoker[]): readonly Invoker[] {
    if (then.length === 0) return invokers;
    const out: Invoker[] = [];
    for (const inv of invokers) {
      let ok = true;
      for (const term of then) {
        const key = term.key;
        const v = key.kind === "param" ? inv.param(key.name) : undefined;
        if (!termMatches(term, v === undefined ? [] : [v], this.consumer)) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(inv);
    }
    return out.length === invokers.length ? invokers : out;
  }

  /** v3.0: a call that matches `when` goes to the endpoints matching `then`; with none left, force decides. */
  private simple(
    c: SimpleCondition,
    force: boolean,
    invokers: readonly Invoker[],
    inv: Invocation,
  ): readonly Invoker[] {
    if (!this.whenMatches(c.when, inv)) return invokers;
    if (c.destination === null) return EMPTY;
    const result = this.thenFilter(c.destination, invokers);
    if (result.length > 0) return result;
    return force ? EMPTY : invokers;
  }

  /** v3.1: one destination picked by weight among those with endpoints; ratio and force as Dubbo. */
  private multi(c: MultiDestCondition, invokers: readonly Invoker[], inv: Invocation): readonly Invoker[] {
    if (!this.whenMatches(c.when, inv)) return invokers;
    if (c.trafficDisable || c.to.length === 0) return EMPTY;
    const subsets: { weight: number; list: readonly Invoker[] }[] = [];
    let total = 0;
    for (const d of c.to) {
      const list = this.thenFilter(d.match, invokers);
      if (list.length > 0) {
        subsets.push({ weight: d.weight, list });
        total += d.weight;
      }
    }
    if (subsets.length === 0) return c.force ? EMPTY : invokers;
    let chosen = subsets[0].list;
    if (subsets.length > 1 && total > 0) {
      let offset = this.random() * total;
      for (const s of subsets) {
        offset -= s.weight;
        if (offset < 0) {
          chosen = s.list;
          break;
        }
      }
    }
    return (chosen.length * 100) / invokers.length >= c.ratio ? chosen : EMPTY;
  }
}
