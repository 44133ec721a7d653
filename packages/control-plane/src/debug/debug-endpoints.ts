// istiod-style debug endpoints (pilot/pkg/xds/debug.go), JSON:
//   /debug/adsz      connected clients: node, subscriptions, last sent/ACK/NACK per type, history
//                    (`?push=true` triggers a full push, as istiod's)
//   /debug/syncz     per client and type: sent vs acked nonce, SYNCED / STALE / NACKED / NOT SENT
//   /debug/configz   every config resource in force, with where it came from, and the rejected files
//   /debug/registryz services and their endpoints, by source
//   /debug/pushz     recent pushes: reason, full or EDS, connections, time to send
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AdsServer } from "../ads/ads-server.js";
import type { ConfigStore } from "../config/config-store.js";
import { formatProblem } from "../config/problem.js";
import { send } from "../http/http-io.js";
import type { HttpRouter } from "../http/http-router.js";
import { clientIdentity } from "../registry/node-metadata.js";
import type { ServiceRegistry } from "../registry/service-registry.js";
import { callMatch, Unsupported } from "../translate/dubbo/dubbo-match.js";
import { describePlan, EMPTY_PLAN } from "../translate/dubbo/dubbo-plan.js";
import { typeShortName } from "../translate/translator.js";

export interface DebugSources {
  readonly ads: AdsServer;
  readonly store: ConfigStore;
  readonly registry: ServiceRegistry;
}

function iso(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

export function adsz(ads: AdsServer) {
  return [...ads.connections.values()].map((c) => ({
    connectionId: c.id,
    protocol: c.protocol,
    peer: `${c.peer.address}:${c.peer.port}`,
    connectedAt: iso(c.connectedAt),
    node:
      c.node === undefined
        ? undefined
        : {
            id: c.node.id,
            namespace: c.node.namespace,
            app: c.node.app,
            labels: c.node.labels,
            ips: c.node.ips,
            ports: c.node.ports,
            dubboServices: c.node.dubboServices,
            generator: c.node.generator,
            userAgent: c.node.userAgent,
            metadata: c.node.metadata,
          },
    registeredAs: c.registration?.instance.id,
    types: Object.fromEntries(
      [...c.types].map(([typeUrl, st]) => [
        typeShortName(typeUrl),
        {
          typeUrl,
          wildcard: st.wildcard,
          subscribed: [...st.names].sort(),
          sent: {
            version: st.sentVersion,
            nonce: st.sentNonce,
            at: iso(st.sentAt),
            resources: st.sentCount,
            responses: st.responses,
          },
          acked: st.acked === undefined ? undefined : { ...st.acked, at: iso(st.acked.at) },
          nacked: st.nack === undefined ? undefined : { ...st.nack, at: iso(st.nack.at) },
          acks: st.acks,
          nacks: st.nacks,
          status: st.status(),
        },
      ]),
    ),
    history: c.history.map((h) => ({ ...h, at: iso(h.at) })),
  }));
}

/** Per host governed by Dubbo rules: which conditions became xDS routes and which the SDK must evaluate. */
function dubboTranslation(ads: AdsServer) {
  const view = ads.context().translator.view;
  const anyone = clientIdentity({ id: "debug" });
  const out = [];
  for (const svc of view.registry.services.values()) {
    for (const p of svc.ports) {
      const plan = view.dubboPlan(svc.host, p.port);
      if (plan === EMPTY_PLAN) continue;
      const conditions = describePlan(plan, (c) => {
        const m = callMatch(c.when, c.iface, anyone);
        return m instanceof Unsupported ? m : m === undefined ? "per-client" : undefined;
      });
      out.push({
        host: `${svc.host}:${p.port}`,
        governedByVirtualService: view.virtualServiceFor(svc.host, svc.namespace) !== undefined,
        conditions,
        tags: plan.tags?.list.map((t) => t.name) ?? [],
        consumerConfigs: plan.consumerConfigs.length,
        providerConfigs: plan.providerConfigs.length,
      });
    }
  }
  return out;
}

export function registerDebugEndpoints(http: HttpRouter, s: DebugSources): void {
  const json = (f: (url: URL) => unknown) => (_req: IncomingMessage, res: ServerResponse, url: URL) =>
    send(res, 200, f(url));
  http.add(
    "/debug/adsz",
    json((url) => {
      if (url.searchParams.get("push") === "true")
        s.ads.requestPush({
          full: true,
          hosts: new Set(),
          scope: "all",
          types: "all",
          reasons: ["debug push"],
          since: performance.now(),
        });
      return { totalClients: s.ads.connections.size, clients: adsz(s.ads) };
    }),
  );
  http.add(
    "/debug/syncz",
    json(() =>
      [...s.ads.connections.values()].map((c) => ({
        proxy: c.node?.id,
        connectionId: c.id,
        ...Object.fromEntries(
          [...c.types].map(([t, st]) => [
            typeShortName(t),
            {
              status: st.status(),
              sentNonce: st.sentNonce,
              ackedNonce: st.acked?.nonce,
              sentVersion: st.sentVersion,
              ackedVersion: st.acked?.version,
            },
          ]),
        ),
      })),
    ),
  );
  http.add(
    "/debug/configz",
    json(() => {
      const snap = s.store.snapshot();
      return {
        version: snap.version,
        resources: [...snap.resources.values()].map((r) => ({ ...r.raw, source: r.source })),
        problems: s.store.problems().map(formatProblem),
        dubboTranslation: dubboTranslation(s.ads),
      };
    }),
  );
  http.add(
    "/debug/registryz",
    json(() => {
      const snap = s.registry.snapshot();
      return [...snap.services.values()]
        .sort((a, b) => (a.host < b.host ? -1 : 1))
        .map((svc) => ({
          host: svc.host,
          namespace: svc.namespace,
          origin: svc.origin,
          ports: svc.ports,
          endpoints: Object.fromEntries(
            svc.ports.map((p) => [
              p.port,
              snap.endpoints(svc.host, p.port).map((e) => ({
                address: `${e.address}:${e.port}`,
                labels: e.labels,
                locality: e.locality,
                weight: e.weight,
                healthy: e.healthy,
                source: e.instance.source,
                id: e.instance.id,
                dubboServices: e.instance.dubboServices,
              })),
            ]),
          ),
        }));
    }),
  );
  http.add(
    "/debug/pushz",
    json(() => s.ads.pushes.map((p) => ({ ...p, startedAt: iso(p.startedAt) }))),
  );
  http.add(
    "/debug",
    json(() => ({ endpoints: http.paths().filter((p) => p.startsWith("/debug")) })),
  );
}
