// Which filter chain of a server Listener serves a connection (A36, Envoy's FilterChainMatch order):
// destination port, destination IP (most specific prefix), source type, source IP (most specific
// prefix), source port. Each step keeps only the most specific candidates and never backtracks, as in
// Envoy; when nothing is left the default filter chain applies, and without one the connection is
// refused. server_names, transport_protocol and application_protocols were settled at decode time.
import { isIP } from "node:net";
import { unmapIpv4 } from "../rbac/rbac-request.js";
import { type CidrConfig, cidrContains } from "../resources/common/cidr.js";
import type { FilterChainConfig, ServerListener } from "../resources/listener/types.js";

/** Both ends of an accepted connection. */
export interface ConnectionAddresses {
  readonly sourceIp: string;
  readonly sourcePort: number;
  readonly destinationIp: string;
  readonly destinationPort: number;
}

/**
 * How specific the best range of `ranges` containing `ip` is: its prefix length; -1 when the chain
 * lists no ranges (it matches any address, less specifically than even a /0); undefined when it lists
 * ranges and none contains the address.
 */
function prefixScore(ranges: readonly CidrConfig[], ip: string): number | undefined {
  if (ranges.length === 0) return -1;
  let best: number | undefined;
  for (const r of ranges) {
    if (cidrContains(r, ip) && (best === undefined || r.prefixLen > best)) best = r.prefixLen;
  }
  return best;
}

function mostSpecific(
  chains: readonly FilterChainConfig[],
  score: (c: FilterChainConfig) => number | undefined,
): FilterChainConfig[] {
  let best = Number.NEGATIVE_INFINITY;
  let out: FilterChainConfig[] = [];
  for (const c of chains) {
    const s = score(c);
    if (s === undefined || s < best) continue;
    if (s > best) {
      best = s;
      out = [];
    }
    out.push(c);
  }
  return out;
}

function isLoopback(ip: string): boolean {
  return isIP(ip) === 4 ? ip.startsWith("127.") : ip === "::1";
}

/** The chain for a connection, or undefined: no chain matches and there is no default chain. */
export function selectFilterChain(
  listener: ServerListener,
  connection: ConnectionAddresses,
): FilterChainConfig | undefined {
  const src = unmapIpv4(connection.sourceIp);
  const dst = unmapIpv4(connection.destinationIp);
  // A36: destination_port depends on use_original_dst, which gRPC does not support: such a chain
  // never matches.
  let chains: FilterChainConfig[] = listener.filterChains.filter(
    (c) => c.match.destinationPort === undefined,
  );
  chains = mostSpecific(chains, (c) => prefixScore(c.match.prefixRanges, dst));
  const local = src === dst || isLoopback(src);
  const specific = local ? "same_ip_or_loopback" : "external";
  const typed = chains.filter((c) => c.match.sourceType === specific);
  chains = typed.length > 0 ? typed : chains.filter((c) => c.match.sourceType === "any");
  chains = mostSpecific(chains, (c) => prefixScore(c.match.sourcePrefixRanges, src));
  const port = connection.sourcePort;
  chains = mostSpecific(chains, (c) =>
    c.match.sourcePorts.length === 0 ? 0 : c.match.sourcePorts.includes(port) ? 1 : undefined,
  );
  // Decoding NACKs overlapping matches, so at most one is left; the first is taken if not.
  return chains[0] ?? listener.defaultFilterChain;
}
