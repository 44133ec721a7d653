import { createApp, silentLogger, xdsMesh } from "@dubbo-mesh/dubbo";
import { GreetService } from "../../greeter/src/gen/greet/v1/greet_pb.js";
import { greeterImpl } from "../../greeter/src/greeter-impl.js";

export interface DemoProvider {
  readonly version: string;
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A Greeter workload: an app in proxyless mode on `ip:port`. Its server is xDS-enabled: it fetches its
 * inbound Listener (and with it the AuthorizationPolicies that select it), and its ADS node metadata
 * names its app, namespace, labels and port, so the control plane registers it as an endpoint of
 * `greeter.demo.svc.cluster.local` (Istio's WorkloadGroup auto-registration) while the stream lives.
 */
export async function startProvider(
  controlPlane: string,
  version: string,
  ip: string,
  port: number,
): Promise<DemoProvider> {
  // Its own adapter (and so its own node): each workload is a pod of its own.
  const mesh = xdsMesh({
    xdsServer: controlPlane,
    node: { id: `greeter-${version}`, namespace: "demo" },
    logger: silentLogger,
  });
  const app = createApp({
    name: "greeter",
    namespace: "demo",
    labels: { version },
    logger: silentLogger,
    metrics: false,
    tracing: false,
    mesh: { mode: "proxyless", adapter: mesh },
  });
  app.serve(GreetService, greeterImpl(version));
  const bound = await app.start({ host: ip, port }); // port 0: the one the system picked
  await mesh.whenServing(); // the inbound Listener arrived: registered and serving
  return {
    version,
    address: `${ip}:${bound.port}`,
    port: bound.port,
    stop: () => app.stop({ unregisterWaitMs: 0, drainMs: 1000 }),
  };
}
