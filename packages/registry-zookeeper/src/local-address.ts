import { networkInterfaces } from "node:os";

/**
 * The address a consumer URL names (`consumer://<ip>/...`): the first non-internal IPv4 address, as
 * Dubbo's `NetUtils.getLocalHost()` picks, or loopback on a machine without a network.
 */
export function localAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family === "IPv4" && !info.internal) return info.address;
    }
  }
  return "127.0.0.1";
}
