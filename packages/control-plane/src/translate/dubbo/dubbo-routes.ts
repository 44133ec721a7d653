// Routes from Dubbo rules, for hosts no VirtualService governs: tagged calls (`dubbo.tag` header) to
// their tag's providers, then condition routes in priority order, then the default route (untagged
// providers when a tag rule exists). Consumer dynamic config sets timeouts and retries on all of them.
// A `force: false` rule whose providers are all gone is skipped (Dubbo falls back to the others); a
// rule with nothing on its right-hand side fails matching calls with UNAVAILABLE, Dubbo's "no provider".
import type { Any } from "@bufbuild/protobuf/wkt";
import { escapeRegExp } from "../../config/kinds/dubbo-condition.js";
import type { ClientIdentity } from "../../registry/node-metadata.js";
import type { RouteActionInit, RouteInit, RouteMatchInit } from "../init-types.js";
import type { MeshView } from "../mesh-view.js";
import { clusterName } from "../names.js";
import {
  destinationAction,
  faultPerFilter,
  type ResolvedDestination,
  retryPolicy,
  timeouts,
} from "../route-action.js";
import { callMatch, Unsupported } from "./dubbo-match.js";
import { consumerParameters, EMPTY_PLAN } from "./dubbo-plan.js";

export const TAG_HEADER = "dubbo.tag";

export function dubboRoutes(
  view: MeshView,
  target: { host: string; port: number },
  node: ClientIdentity,
): RouteInit[] {
  const plan = view.dubboPlan(target.host, target.port);
  const params = plan === EMPTY_PLAN ? {} : consumerParameters(plan, node.app, node.ips);
  const timeoutMs =
    params.timeout !== undefined && Number(params.timeout) > 0 ? Number(params.timeout) : undefined;
  const retries =
    params.retries !== undefined && Number.isInteger(Number(params.retries))
      ? Number(params.retries)
      : undefined;
  const dest = (subset: string, weight = 100): ResolvedDestination => ({
    host: target.host,
    port: target.port,
    subset,
    cluster: clusterName(target.port, subset, target.host),
    weight,
  });
  const action = (dests: ResolvedDestination[]): RouteActionInit => {
    const a: RouteActionInit = { ...destinationAction(view, dests), ...timeouts(timeoutMs) };
    const r = retryPolicy(retries === undefined ? undefined : { attempts: retries });
    if (r !== undefined) a.retryPolicy = r;
    return a;
  };
  const route = (
    name: string,
    match: RouteMatchInit,
    a: RouteActionInit,
    perFilter?: Record<string, Any>,
  ): RouteInit => ({
    name,
    match,
    action: { case: "route", value: a },
    ...(perFilter === undefined ? {} : { typedPerFilterConfig: perFilter }),
  });
  const routes: RouteInit[] = [];
  const tags = plan.tags;
  const fallback = tags === undefined || tags.untaggedEmpty ? "" : tags.untagged;

  if (tags !== undefined) {
    for (const t of tags.list) {
      // force: an empty tag fails the call; otherwise it falls back to the untagged providers.
      const subset = t.empty && !tags.force ? fallback : t.subset;
      routes.push(
        route(
          `tag-${t.name}`,
          {
            pathSpecifier: { case: "prefix", value: "/" },
            headers: [
              {
                name: TAG_HEADER,
                headerMatchSpecifier: {
                  case: "stringMatch",
                  value: { matchPattern: { case: "exact", value: t.name } },
                },
              },
            ],
          },
          action([dest(subset)]),
        ),
      );
    }
  }

  plan.conditions.forEach((c, ci) => {
    if (c.to instanceof Unsupported) return;
    const m = callMatch(c.when, c.iface, node);
    if (m === undefined || m instanceof Unsupported) return;
    let a: RouteActionInit;
    let perFilter: Record<string, Any> | undefined;
    if (c.to === "deny") {
      a = action([dest(fallback)]);
      perFilter = faultPerFilter({ abort: { grpcStatus: "UNAVAILABLE", percentage: 100 } });
    } else {
      const live = c.to.filter((d) => d.weight > 0 && !(d.empty && !c.force));
      if (live.length === 0) return; // force: false and no providers left: the rule steps aside
      a = action(live.map((d) => dest(d.subset, d.weight)));
    }
    const paths: RouteMatchInit["pathSpecifier"][] =
      m.methods.length > 0
        ? m.methods.map((method) =>
            c.iface !== undefined
              ? { case: "path" as const, value: `/${c.iface}/${method}` }
              : { case: "safeRegex" as const, value: { regex: `/[^/]+/${escapeRegExp(method)}` } },
          )
        : [{ case: "prefix" as const, value: c.iface !== undefined ? `/${c.iface}/` : "/" }];
    paths.forEach((p, pi) => {
      const name = `dubbo-${ci}${paths.length > 1 ? `-${pi}` : ""}`;
      const match = { pathSpecifier: p, ...(m.headers.length > 0 ? { headers: [...m.headers] } : {}) };
      routes.push(route(name, match, a, perFilter));
    });
  });

  routes.push(route("default", { pathSpecifier: { case: "prefix", value: "/" } }, action([dest(fallback)])));
  return routes;
}
