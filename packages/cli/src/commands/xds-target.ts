// `xds:///host:port` targets for `dubbo-mesh call`, through our own xDS client (@dubbo-mesh/xds):
// the listener, route configuration, clusters and endpoints of the target, then per call the first
// matching route, a weighted cluster pick and round robin over the cluster's usable endpoints (most
// preferred priority). A diagnostic client: route timeouts, retries and fault injection are not
// applied -- that is the SDK's job.
import {
  type Bootstrap,
  closeSharedXdsClients,
  getXdsClient,
  loadBootstrap,
  matchRoute,
  parseBootstrap,
  type TargetConfig,
  watchTarget,
} from "@dubbo-mesh/xds";
import { UsageError } from "../usage-error.js";

export interface XdsTargetOptions {
  /** `host:port` of a control plane: builds a bootstrap instead of reading GRPC_XDS_BOOTSTRAP(_CONFIG). */
  readonly xdsServer?: string;
  readonly namespace: string;
}

export interface Pick {
  readonly baseUrl: string;
  readonly endpoint: string;
  readonly cluster: string;
}

async function bootstrapFor(o: XdsTargetOptions): Promise<Bootstrap> {
  if (o.xdsServer !== undefined) {
    return parseBootstrap(
      JSON.stringify({
        xds_servers: [
          { server_uri: o.xdsServer, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] },
        ],
        node: {
          id: `dubbo-mesh-cli-${process.pid}`,
          locality: {},
          metadata: { GENERATOR: "grpc", NAMESPACE: o.namespace },
        },
      }),
    );
  }
  const env = process.env;
  if (!env.GRPC_XDS_BOOTSTRAP && !env.GRPC_XDS_BOOTSTRAP_CONFIG)
    throw new UsageError(
      "xds targets need a bootstrap: set GRPC_XDS_BOOTSTRAP(_CONFIG) or pass --xds-server host:port",
    );
  return loadBootstrap();
}

export class XdsTarget {
  private config: TargetConfig | undefined;
  private readonly rr = new Map<string, number>();
  private cancel: (() => void) | undefined;

  private constructor(readonly target: string) {}

  /** Connects and waits for the target's first complete configuration. */
  static async open(target: string, o: XdsTargetOptions, timeoutMs = 15_000): Promise<XdsTarget> {
    const t = new XdsTarget(target);
    const client = getXdsClient(await bootstrapFor(o));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no xDS configuration for ${target} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      t.cancel = watchTarget(client, target, {
        onUpdate: (c) => {
          t.config = c;
          clearTimeout(timer);
          resolve();
        },
        onResourceDoesNotExist: (r) => {
          clearTimeout(timer);
          reject(new Error(`the control plane has no ${r.kind} ${r.name}`));
        },
      });
    });
    return t;
  }

  pick(path: string, headers: Readonly<Record<string, string>>): Pick {
    const c = this.config;
    if (c === undefined) throw new Error("no configuration");
    const route = c.routes.find((r) => matchRoute(r.match, { path, header: (n) => headers[n] }));
    if (route === undefined) throw new Error(`no route matches ${path}`);
    let name: string;
    if (route.action.kind === "cluster") name = route.action.cluster;
    else if (route.action.kind === "weighted_clusters") {
      let x = Math.random() * route.action.totalWeight;
      name = route.action.clusters[route.action.clusters.length - 1].name;
      for (const wc of route.action.clusters) {
        x -= wc.weight;
        if (x < 0) {
          name = wc.name;
          break;
        }
      }
    } else throw new Error(`the route for ${path} does not forward (${route.action.kind})`);
    const resolved = c.clusters.get(name);
    if (resolved === undefined || !resolved.ok) throw new Error(`cluster ${name} is not available`);
    const leaf = resolved.leaves[0];
    const endpoints = (leaf?.priorities[0] ?? []).flatMap((l) => l.endpoints.filter((e) => e.usable));
    if (endpoints.length === 0) throw new Error(`cluster ${name} has no endpoints`);
    const i = this.rr.get(name) ?? 0;
    this.rr.set(name, i + 1);
    const a = endpoints[i % endpoints.length].address;
    const host = a.host.includes(":") ? `[${a.host}]` : a.host;
    return { baseUrl: `http://${host}:${a.port}`, endpoint: `${host}:${a.port}`, cluster: name };
  }

  async close(): Promise<void> {
    this.cancel?.();
    await closeSharedXdsClients();
  }
}
