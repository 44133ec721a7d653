// envoy.config.core.v3.CidrRange -> a normalised prefix, for server filter chain matching (A36) and
// RBAC source/destination IP rules (A41).
import { isIPv4, isIPv6 } from "node:net";
import type { CidrRange } from "../../gen/envoy/config/core/v3/address_pb.js";
import type { FieldErrors } from "../validation.js";

export interface CidrConfig {
  /** The address as given (IPv4 dotted quad or IPv6). */
  readonly addressPrefix: string;
  readonly prefixLen: number;
  readonly family: 4 | 6;
}

export function cidrFrom(range: CidrRange, errors: FieldErrors): CidrConfig | undefined {
  const family = isIPv4(range.addressPrefix) ? 4 : isIPv6(range.addressPrefix) ? 6 : undefined;
  if (family === undefined) {
    errors.at("address_prefix").add(`${JSON.stringify(range.addressPrefix)} is not an IP address`);
    return undefined;
  }
  const max = family === 4 ? 32 : 128;
  // An unset prefix_len means the whole address (Envoy clamps larger values the same way).
  const prefixLen = Math.min(range.prefixLen ?? max, max);
  return { addressPrefix: range.addressPrefix, prefixLen, family };
}

function ipv4Bits(address: string): bigint {
  return address.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function ipv6Bits(address: string): bigint {
  let text = address;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4 !== null) {
    const bits = ipv4Bits(v4[1]);
    text = `${text.slice(0, v4.index)}${(bits >> 16n).toString(16)}:${(bits & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headParts = head === "" ? [] : head.split(":");
  const tailParts = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : Array(8 - headParts.length - tailParts.length).fill("0");
  return [...headParts, ...zeros, ...tailParts].reduce((acc, h) => (acc << 16n) | BigInt(`0x${h}`), 0n);
}

/** True when `address` (an IP literal) falls inside the range. Different families never match. */
export function cidrContains(cidr: CidrConfig, address: string): boolean {
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (family !== cidr.family) return false;
  const width = BigInt(family === 4 ? 32 : 128);
  const bits = family === 4 ? ipv4Bits : ipv6Bits;
  const shift = width - BigInt(cidr.prefixLen);
  return bits(address) >> shift === bits(cidr.addressPrefix) >> shift;
}
