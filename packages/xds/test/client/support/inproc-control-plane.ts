// The in-process ADS server behind the ControlPlane interface.
import type { ControlPlane } from "./control-plane.js";
import { startInprocAdsServer } from "./inproc-ads-server.js";

export async function startInprocControlPlane(): Promise<ControlPlane> {
  const server = await startInprocAdsServer();
  return {
    name: "in-process Triple ADS server",
    get port() {
      return server.port;
    },
    sendsPartialSotwResponses: true,
    setSnapshot: async (node, version, resources) => server.setSnapshot(node, version, resources),
    requests: async (node) => server.requests(node),
    connections: async () => server.connections(),
    stop: () => server.stop(),
    restart: () => server.restart(),
  };
}
