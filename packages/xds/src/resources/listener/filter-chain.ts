// Server listener filter chains (A36): one HttpConnectionManager each, an optional
// DownstreamTlsContext, and a match that must not duplicate another chain's.
import type {
  FilterChain,
  FilterChainMatch,
} from "../../gen/envoy/config/listener/v3/listener_components_pb.js";
import { FilterChainMatch_ConnectionSourceType } from "../../gen/envoy/config/listener/v3/listener_components_pb.js";
import { HttpConnectionManagerSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { type CidrConfig, cidrFrom } from "../common/cidr.js";
import { unpackExtension } from "../common/extension-config.js";
import type { ValidationContext } from "../resource-type.js";
import { downstreamTlsFrom } from "../tls/downstream-tls.js";
import type { FieldErrors } from "../validation.js";
import { httpConnectionManagerFrom } from "./http-connection-manager.js";
import type {
  ConnectionSourceType,
  FilterChainConfig,
  FilterChainMatchConfig,
  HttpConnectionManagerConfig,
} from "./types.js";

const sourceTypes: Readonly<Record<number, ConnectionSourceType>> = {
  [FilterChainMatch_ConnectionSourceType.ANY]: "any",
  [FilterChainMatch_ConnectionSourceType.SAME_IP_OR_LOOPBACK]: "same_ip_or_loopback",
  [FilterChainMatch_ConnectionSourceType.EXTERNAL]: "external",
};

/** A36: gRPC sees no SNI or ALPN and only raw (or TLS-terminated by itself) bytes. */
export function isMatchableByGrpc(match: FilterChainMatch | undefined): boolean {
  if (match === undefined) return true;
  const transport = match.transportProtocol;
  return (
    match.serverNames.length === 0 &&
    match.applicationProtocols.length === 0 &&
    (transport === "" || transport === "raw_buffer")
  );
}

function cidrs(ranges: FilterChainMatch["prefixRanges"], errors: FieldErrors): CidrConfig[] {
  const out: CidrConfig[] = [];
  ranges.forEach((r, i) => {
    const c = cidrFrom(r, errors.at(i));
    if (c !== undefined) out.push(c);
  });
  return out;
}

function matchFrom(match: FilterChainMatch | undefined, errors: FieldErrors): FilterChainMatchConfig {
  if (match === undefined)
    return { prefixRanges: [], sourceType: "any", sourcePrefixRanges: [], sourcePorts: [] };
  const sourceType = sourceTypes[match.sourceType];
  if (sourceType === undefined) errors.at("source_type").add(`unknown source type ${match.sourceType}`);
  return {
    ...(match.destinationPort === undefined ? {} : { destinationPort: match.destinationPort }),
    prefixRanges: cidrs(match.prefixRanges, errors.at("prefix_ranges")),
    sourceType: sourceType ?? "any",
    sourcePrefixRanges: cidrs(match.sourcePrefixRanges, errors.at("source_prefix_ranges")),
    sourcePorts: [...match.sourcePorts],
  };
}

/**
 * Every concrete (destination, source) combination a match covers, as strings; two chains sharing one
 * is ambiguous and NACKed (A36). Ranges are compared as written, after normalising the prefix length.
 */
export function matchKeys(match: FilterChainMatchConfig): string[] {
  const cidrText = (c: CidrConfig | undefined) =>
    c === undefined ? "*" : `${c.addressPrefix}/${c.prefixLen}`;
  const opt = <T>(xs: readonly T[]): (T | undefined)[] => (xs.length === 0 ? [undefined] : [...xs]);
  const keys: string[] = [];
  for (const dst of opt(match.prefixRanges)) {
    for (const src of opt(match.sourcePrefixRanges)) {
      for (const port of opt(match.sourcePorts)) {
        keys.push(
          [match.destinationPort ?? "*", cidrText(dst), match.sourceType, cidrText(src), port ?? "*"].join(
            " ",
          ),
        );
      }
    }
  }
  return keys;
}

export function filterChainFrom(
  chain: FilterChain,
  context: ValidationContext,
  errors: FieldErrors,
): FilterChainConfig | undefined {
  const before = errors.count;
  const match = matchFrom(chain.filterChainMatch, errors.at("filter_chain_match"));
  let hcm: HttpConnectionManagerConfig | undefined;
  let seenHcm = false;
  chain.filters.forEach((filter, i) => {
    const at = errors.at("filters").at(i);
    if (filter.configType.case !== "typedConfig") {
      at.add(`filter ${JSON.stringify(filter.name)}: typed_config is required`);
      return;
    }
    if (seenHcm) {
      at.add("a filter chain must have exactly one filter, the HttpConnectionManager");
      return;
    }
    seenHcm = true;
    const message = unpackExtension(
      filter.configType.value,
      HttpConnectionManagerSchema,
      at.at("typed_config"),
    );
    if (message !== undefined) hcm = httpConnectionManagerFrom(message, "server", at.at("typed_config"));
  });
  if (chain.filters.length === 0) errors.at("filters").add("must contain an HttpConnectionManager");
  const tls =
    chain.transportSocket === undefined
      ? undefined
      : downstreamTlsFrom(chain.transportSocket, context.certificateProviders, errors.at("transport_socket"));
  if (errors.count !== before || hcm === undefined) return undefined;
  return { name: chain.name, match, httpConnectionManager: hcm, ...(tls === undefined ? {} : { tls }) };
}
