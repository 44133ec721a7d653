// A provider in a process of its own, for tests that kill it: registers what argv[2] (JSON) describes,
// prints "registered", then waits to be killed.
import type { ServiceRegistration } from "@dubbo-mesh/dubbo";
import { zookeeperDiscovery } from "../../src/index.js";

interface Args {
  address: string;
  mode: "interface" | "instance" | "all";
  sessionTimeoutMs: number;
  registration: ServiceRegistration;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const discovery = zookeeperDiscovery({
  address: args.address,
  mode: args.mode,
  sessionTimeoutMs: args.sessionTimeoutMs,
});
await discovery.register(args.registration);
process.stdout.write("registered\n");
setInterval(() => {}, 60_000);
