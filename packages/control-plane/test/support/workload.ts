// Child process: a workload as the control plane sees one -- a gRPC backend plus an ADS stream whose
// node metadata says what it serves (app, namespace, labels, instance IP, port). It subscribes to its
// own inbound listener, as an xDS-enabled server does. Killing the process ends the stream.
// Input: one JSON argument {controlPlane, ip, port, app, namespace, version}. Prints {"event":"ready"}.

import { AdsTestClient } from "./ads-client.js";
import { startBackend } from "./backend.js";

interface WorkloadPlan {
  controlPlane: string;
  ip: string;
  port: number;
  app: string;
  namespace: string;
  version: string;
}

const plan = JSON.parse(process.argv[2] ?? "{}") as WorkloadPlan;
const backend = await startBackend(`${plan.app}-${plan.version}`, plan.ip, plan.port);
const ads = new AdsTestClient(plan.controlPlane, {
  id: `${plan.app}-${plan.version}.${plan.namespace}`,
  metadata: {
    GENERATOR: "grpc",
    APP: plan.app,
    NAMESPACE: plan.namespace,
    LABELS: { app: plan.app, version: plan.version },
    INSTANCE_IPS: plan.ip,
    DUBBO_PORTS: `grpc:${backend.port}`,
  },
  locality: {},
});
const inbound = `xds.istio.io/grpc/lds/inbound/${plan.ip}:${backend.port}`;
ads.subscribe("type.googleapis.com/envoy.config.listener.v3.Listener", [inbound]);
const lds = await ads.next("type.googleapis.com/envoy.config.listener.v3.Listener");
ads.ack(lds, [inbound]);
process.stdout.write(`${JSON.stringify({ event: "ready", port: backend.port })}\n`);
const stop = async () => {
  await ads.close();
  await backend.close();
  process.exit(0);
};
process.stdin.on("end", () => void stop());
process.stdin.resume();
process.on("SIGTERM", () => void stop());
