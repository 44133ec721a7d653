import { networkInterfaces } from "node:os";

/**
 * The address providers register: the bound host when it is a concrete one, otherwise the first
 * non-internal IPv4 address (what Dubbo's `NetUtils.getLocalHost` finds), else loopback.
 */
export function advertiseHost(bound: string | undefined): string {
  if (bound !== undefined && bound !== "" && bound !== "0.0.0.0" && bound !== "::") return bound;
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === "IPv4" && !a.internal) return a.address;
    }
  }
  return "127.0.0.1";
}
