// Istio's StringMatch (`exact` | `prefix` | `regex`), used by VirtualService and Dubbo tag routes.
import { type Check, object, string } from "../check.js";

export type StringMatch =
  | { readonly exact: string }
  | { readonly prefix: string }
  | { readonly regex: string };

export function checkStringMatch(v: unknown, c: Check): StringMatch | undefined {
  const o = object(v, c, ["exact", "prefix", "regex"]);
  if (o === undefined) return undefined;
  const set = (["exact", "prefix", "regex"] as const).filter((k) => o[k] !== undefined && o[k] !== null);
  if (set.length !== 1) return c.error("must set exactly one of exact, prefix, regex");
  const k = set[0];
  const s = string(o[k], c.at(k));
  if (s === undefined) return undefined;
  if (k === "regex") {
    try {
      new RegExp(s);
    } catch (e) {
      return c.at(k).error(`is not a valid regular expression: ${(e as Error).message}`);
    }
    return { regex: s };
  }
  return k === "exact" ? { exact: s } : { prefix: s };
}
