// networking.istio.io WorkloadGroup: the template an auto-registering workload is stamped from
// (labels, ports, service account), as istiod does when a proxy names the group in its metadata.
import { type Check, object, requiredObject, stringMap } from "../check.js";
import { checkWorkloadEntry, type WorkloadEntrySpec } from "./workload-entry.js";

export interface WorkloadGroupSpec {
  readonly labels: Readonly<Record<string, string>>;
  readonly template: WorkloadEntrySpec;
}

export function checkWorkloadGroup(spec: unknown, c: Check): WorkloadGroupSpec | undefined {
  const o = requiredObject(spec, c, ["metadata", "template", "probe"]);
  if (o === undefined) return undefined;
  const meta = object(o.metadata, c.at("metadata"), ["labels", "annotations"]);
  const labels = meta === undefined ? {} : (stringMap(meta.labels, c.at("metadata").at("labels")) ?? {});
  const template = checkWorkloadEntry(o.template ?? {}, c.at("template"), false);
  if (template === undefined) return undefined;
  return { labels, template };
}
