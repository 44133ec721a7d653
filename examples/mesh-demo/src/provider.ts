import { createTripleServer, type TripleServer } from "@dubbo-mesh/triple";
import { buildBootstrap, XdsClient } from "@dubbo-mesh/xds";
import { GreetService } from "../../greeter/src/gen/greet/v1/greet_pb.js";
import { greeterImpl } from "../../greeter/src/greeter-impl.js";

export interface DemoProvider {
  readonly version: string;
  readonly address: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * A Greeter workload: a Triple server on `ip:port` that registers itself with the control plane the
 * way a proxyless workload does, by holding an ADS stream whose node metadata names its app, namespace,
 * labels and port (Istio's WorkloadGroup auto-registration). It stays an endpoint while the stream lives.
 */
export async function startProvider(
  controlPlane: string,
  version: string,
  ip: string,
  port: number,
): Promise<DemoProvider> {
  const server: TripleServer = createTripleServer();
  server.register(GreetService, greeterImpl(version));
  ({ port } = await server.listen({ host: ip, port })); // port 0: the one the system picked
  // Its own client (not the process-wide shared one): each workload is its own node.
  const xds = new XdsClient({
    bootstrap: buildBootstrap({
      serverUri: controlPlane,
      nodeId: `greeter-${version}`,
      app: "greeter",
      version,
      namespace: "demo",
      podIp: ip,
      metadata: { DUBBO_PORTS: `grpc:${port}`, DUBBO_SERVICES: "greet.v1.GreetService" },
    }),
  });
  // Any subscription opens the stream; a provider naturally asks for its own inbound listener.
  const cancel = xds.watch("Listener", `xds.istio.io/grpc/lds/inbound/${ip}:${port}`, {
    onUpdate: () => {},
    onError: () => {},
    onResourceDoesNotExist: () => {},
  });
  return {
    version,
    address: `${ip}:${port}`,
    port,
    async stop() {
      cancel();
      await xds.close();
      await server.close({ graceMs: 1000 });
    },
  };
}
