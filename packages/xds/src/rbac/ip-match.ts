// CIDR matching for per-call and per-connection checks (RBAC source/destination IP, filter chain
// prefix ranges). The range is turned into numbers once; an IPv4 address into a 32-bit number with
// a one-entry cache, since consecutive calls mostly come from the same peer. IPv6 goes through the
// shared (BigInt) matcher, which is exact and rare enough here.
import { isIPv4 } from "node:net";
import { type CidrConfig, cidrContains } from "../resources/common/cidr.js";
import { unmapIpv4 } from "./rbac-request.js";

let lastText = "";
let lastValue = -1;

/** An IPv4 literal as an unsigned 32-bit number, or -1 when it is not one. */
function ipv4Number(address: string): number {
  if (address === lastText) return lastValue;
  let value = -1;
  if (isIPv4(address)) {
    const p = address.split(".");
    value = ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
  }
  lastText = address;
  lastValue = value;
  return value;
}

export type IpPredicate = (address: string) => boolean;

/** A predicate telling whether an IP literal (IPv4-mapped IPv6 counts as IPv4) falls in the range. */
export function compileCidr(cidr: CidrConfig): IpPredicate {
  if (cidr.family === 6) return (a) => cidrContains(cidr, unmapIpv4(a));
  const network = ipv4Number(cidr.addressPrefix);
  const mask = cidr.prefixLen === 0 ? 0 : (0xffffffff << (32 - cidr.prefixLen)) >>> 0;
  const base = (network & mask) >>> 0;
  return (a) => {
    const n = ipv4Number(unmapIpv4(a));
    return n >= 0 && (n & mask) >>> 0 === base;
  };
}
