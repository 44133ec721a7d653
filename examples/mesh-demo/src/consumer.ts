import { createClient, createTransport, type Transport } from "@dubbo-mesh/triple";
import { buildBootstrap, matchRoute, type TargetConfig, watchTarget, XdsClient } from "@dubbo-mesh/xds";
import { GreetService } from "../../greeter/src/gen/greet/v1/greet_pb.js";

export interface SplitCounts {
  byVersion: Map<string, number>;
  errors: number;
  total: number;
}

/** A proxyless consumer: routes, weights and endpoints from xDS, calls over Triple. */
export async function startConsumer(controlPlane: string, target: string) {
  const xds = new XdsClient({
    bootstrap: buildBootstrap({
      serverUri: controlPlane,
      nodeId: "demo-consumer",
      app: "consumer",
      namespace: "demo",
    }),
  });
  let config: TargetConfig | undefined;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no xDS configuration for ${target} in 15 s`)), 15_000);
    watchTarget(xds, target.replace("xds:///", ""), {
      onUpdate: (c) => {
        config = c;
        clearTimeout(timer);
        resolve();
      },
    });
  });
  const transports = new Map<string, Transport>();
  const rr = new Map<string, number>();
  const pick = (): string => {
    const c = config as TargetConfig;
    const route = c.routes.find((r) =>
      matchRoute(r.match, { path: "/greet.v1.GreetService/Greet", header: () => undefined }),
    );
    if (route === undefined) throw new Error("no route");
    let cluster = "";
    if (route.action.kind === "cluster") cluster = route.action.cluster;
    else if (route.action.kind === "weighted_clusters") {
      let x = Math.random() * route.action.totalWeight;
      for (const wc of route.action.clusters) {
        cluster = wc.name;
        x -= wc.weight;
        if (x < 0) break;
      }
    }
    const resolved = c.clusters.get(cluster);
    if (resolved === undefined || !resolved.ok) throw new Error(`cluster ${cluster} unavailable`);
    const eps = (resolved.leaves[0]?.priorities[0] ?? []).flatMap((l) => l.endpoints.filter((e) => e.usable));
    if (eps.length === 0) throw new Error(`cluster ${cluster} has no endpoints`);
    const i = rr.get(cluster) ?? 0;
    rr.set(cluster, i + 1);
    const a = eps[i % eps.length].address;
    return `http://${a.host}:${a.port}`;
  };
  return {
    async run(n: number): Promise<SplitCounts> {
      const counts: SplitCounts = { byVersion: new Map(), errors: 0, total: 0 };
      for (let i = 0; i < n; i++) {
        try {
          const base = pick();
          let t = transports.get(base);
          if (t === undefined) {
            t = createTransport({ baseUrl: base });
            transports.set(base, t);
          }
          const { greeting } = await createClient(GreetService, t).greet(
            { name: "mesh" },
            { timeoutMs: 1000 },
          );
          const v = / from (\S+)$/.exec(greeting)?.[1] ?? "?";
          counts.byVersion.set(v, (counts.byVersion.get(v) ?? 0) + 1);
        } catch {
          counts.errors++;
        }
        counts.total++;
      }
      return counts;
    },
    async close() {
      for (const t of transports.values()) await t.close();
      await xds.close();
    },
  };
}
