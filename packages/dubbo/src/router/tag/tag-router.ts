import type { Invocation } from "../../client/invocation.js";
import type { Invoker } from "../../directory/invoker.js";
import type { ConsumerInfo, Router } from "../router.js";
import { inTag, type TagRule } from "./tag-rule.js";

/** Dubbo's attachment and URL parameter names for tags. */
export const TAG_KEY = "dubbo.tag";
export const FORCE_TAG_KEY = "dubbo.force.tag";

/**
 * Dubbo's tag routing: strict isolation between tagged and untagged providers.
 *
 * A call's tag comes from the `dubbo.tag` attachment, else the consumer's own `dubbo.tag`. A provider's
 * tag is dynamic (the `<provider-app>.tag-router` rule puts addresses or parameter matches in named
 * groups) or static (its `dubbo.tag` parameter). A tagged call goes to the providers of its tag; when
 * there are none it falls back to untagged providers, unless the rule says `force: true` (dynamic tags)
 * or the call says `dubbo.force.tag=true`. An untagged call only goes to untagged providers.
 */
export class TagRouter implements Router {
  readonly name = "tag";
  private readonly rules = new Map<string, TagRule>();
  private readonly consumerTag: string | undefined;
  private readonly consumerForce: boolean;
  private lastList: readonly Invoker[] | undefined;
  private lastTagged = false;

  constructor(info: ConsumerInfo) {
    this.consumerTag = info.params[TAG_KEY] || undefined;
    this.consumerForce = info.params[FORCE_TAG_KEY] === "true";
  }

  /** Rules are per provider application (the rule's key). */
  setRule(app: string, rule: TagRule | undefined): void {
    if (rule === undefined) this.rules.delete(app);
    else this.rules.set(app, rule);
  }

  route(invokers: readonly Invoker[], inv: Invocation): readonly Invoker[] {
    const tag = inv.attachment(TAG_KEY) || this.consumerTag;
    const rule = this.rules.size === 0 ? undefined : this.ruleFor(invokers);
    if (rule === undefined || !rule.enabled) {
      if (tag === undefined && !this.anyStaticTag(invokers)) return invokers; // the common case: no tags at all
      return staticTags(invokers, tag, this.forced(inv));
    }
    const force = this.forced(inv);
    if (tag !== undefined) {
      const def = rule.tags.find((t) => t.name === tag);
      let result: readonly Invoker[];
      if (def !== undefined) {
        result = invokers.filter((i) => inTag(def, i));
        if (result.length > 0 || rule.force) return result;
      } else {
        result = invokers.filter((i) => i.param(TAG_KEY) === tag);
      }
      if (result.length > 0 || force) return result;
      return invokers.filter((i) => !inAnyTag(rule, i) && !i.param(TAG_KEY));
    }
    let result = invokers;
    if (rule.tags.length > 0) {
      result = invokers.filter((i) => !inAnyTag(rule, i));
      if (result.length === 0) return result;
    }
    const names = new Set(rule.tags.map((t) => t.name));
    return result.filter((i) => {
      const local = i.param(TAG_KEY);
      return !local || !names.has(local);
    });
  }

  /** One rule per provider application; like Dubbo, the first endpoint's application names it. */
  private ruleFor(invokers: readonly Invoker[]): TagRule | undefined {
    const app = invokers[0].param("application");
    return app === undefined ? undefined : this.rules.get(app);
  }

  private forced(inv: Invocation): boolean {
    return inv.attachment(FORCE_TAG_KEY) === "true" || this.consumerForce;
  }

  private anyStaticTag(invokers: readonly Invoker[]): boolean {
    if (invokers === this.lastList) return this.lastTagged;
    let tagged = false;
    for (const i of invokers) {
      if (i.param(TAG_KEY)) {
        tagged = true;
        break;
      }
    }
    this.lastList = invokers;
    this.lastTagged = tagged;
    return tagged;
  }
}

function inAnyTag(rule: TagRule, invoker: Invoker): boolean {
  for (const t of rule.tags) if (inTag(t, invoker)) return true;
  return false;
}

function staticTags(
  invokers: readonly Invoker[],
  tag: string | undefined,
  force: boolean,
): readonly Invoker[] {
  if (tag !== undefined) {
    const result = invokers.filter((i) => i.param(TAG_KEY) === tag);
    if (result.length > 0 || force) return result;
  }
  return invokers.filter((i) => !i.param(TAG_KEY));
}
