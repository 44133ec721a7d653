// Dubbo condition expressions -> what xDS can express. The "to" side selects providers: any key
// works, because subsets are computed here, on the control plane (address, port, application,
// version, any label). The "when" side describes the call: the method becomes a route path, the
// consumer's application or address is decided per client at translation time, attachments and
// other keys become header matches (Triple sends attachments as headers). Method arguments and
// `$param` references cannot be expressed: such rules are left to the SDK.
import { type Condition, escapeRegExp, matchValue } from "../../config/kinds/dubbo-condition.js";
import type { ClientIdentity } from "../../registry/node-metadata.js";
import type { Endpoint } from "../../registry/registry-snapshot.js";
import type { HeaderMatcherInit } from "../init-types.js";

export class Unsupported {
  constructor(readonly reason: string) {}
}

/** A provider selector: a predicate plus a canonical text (it names the generated subset). */
export interface ProviderSelector {
  readonly id: string;
  select(e: Endpoint): boolean;
}

function providerValue(e: Endpoint, key: string): string | undefined {
  switch (key) {
    case "host":
    case "ip":
      return e.address;
    case "address":
      return `${e.address}:${e.port}`;
    case "port":
      return String(e.port);
    case "application":
    case "app":
      return e.labels.app;
    case "tag":
      return e.labels["dubbo.tag"];
    default:
      return e.labels[key];
  }
}

function conditionHolds(c: Condition, value: string | undefined): boolean {
  const hit =
    value !== undefined &&
    c.values.some((v) => matchValue(v, value) || (c.key === "address" && matchValue(v, value.split(":")[0])));
  return c.op === "=" ? hit : !hit;
}

export function providerSelector(conds: readonly Condition[]): ProviderSelector | Unsupported {
  for (const c of conds) {
    if (c.values.some((v) => v.startsWith("$")))
      return new Unsupported(`"${c.key}" refers to a consumer parameter ($...)`);
    if (c.key.startsWith("arguments"))
      return new Unsupported("provider conditions on arguments do not exist");
  }
  const id = conds
    .map((c) => `${c.key}${c.op}${[...c.values].sort().join(",")}`)
    .sort()
    .join("&");
  return { id, select: (e) => conds.every((c) => conditionHolds(c, providerValue(e, c.key))) };
}

export function andSelectors(a: ProviderSelector, b: ProviderSelector | undefined): ProviderSelector {
  if (b === undefined) return a;
  return { id: `${a.id}&&${b.id}`, select: (e) => a.select(e) && b.select(e) };
}

export interface CallMatch {
  /** Methods (route path per method); empty = any method of the service. */
  readonly methods: readonly string[];
  readonly headers: readonly HeaderMatcherInit[];
}

function headerFor(name: string, c: Condition): HeaderMatcherInit {
  const exact = c.values.length === 1 && !c.values[0].includes("*");
  const matcher = exact
    ? { matchPattern: { case: "exact" as const, value: c.values[0] } }
    : {
        matchPattern: {
          case: "safeRegex" as const,
          value: { regex: c.values.map((v) => v.split("*").map(escapeRegExp).join(".*")).join("|") },
        },
      };
  return {
    name: name.toLowerCase(),
    headerMatchSpecifier: { case: "stringMatch", value: matcher },
    invertMatch: c.op === "!=",
  };
}

/**
 * The when side for one client: undefined when the conditions exclude this client (its application
 * or address does not match), Unsupported when they cannot be expressed in xDS.
 */
export function callMatch(
  conds: readonly Condition[],
  iface: string | undefined,
  node: ClientIdentity,
): CallMatch | Unsupported | undefined {
  const methods: string[] = [];
  const headers: HeaderMatcherInit[] = [];
  for (const c of conds) {
    if (c.values.some((v) => v.startsWith("$")))
      return new Unsupported(`"${c.key}" refers to a parameter ($...)`);
    const attachment = /^attachments\[(.+)\]$/.exec(c.key);
    switch (true) {
      case c.key === "method":
        if (c.op === "!=") return new Unsupported("method!= cannot be a route match");
        if (c.values.some((v) => v.includes("*"))) return new Unsupported("wildcard method names");
        methods.push(...c.values);
        break;
      case c.key === "application" || c.key === "consumer.application":
        if (!conditionHolds(c, node.app)) return undefined;
        break;
      case c.key === "host" || c.key === "ip" || c.key === "consumer.host":
        if (!node.ips.some((ip) => conditionHolds(c, ip))) return undefined;
        break;
      case c.key === "interface" || c.key === "service":
        if (iface !== undefined && !conditionHolds(c, iface)) return undefined;
        break;
      case c.key.startsWith("arguments"):
        return new Unsupported("method arguments are not visible to xDS routing");
      case c.key === "version":
        headers.push(headerFor("tri-service-version", c));
        break;
      case c.key === "group":
        headers.push(headerFor("tri-service-group", c));
        break;
      case attachment !== null:
        headers.push(headerFor(attachment![1], c));
        break;
      default:
        headers.push(headerFor(c.key, c));
    }
  }
  return { methods, headers };
}
