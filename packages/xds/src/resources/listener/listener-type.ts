// LDS: envoy.config.listener.v3.Listener -> ValidatedListener.
import { type Listener, ListenerSchema } from "../../gen/envoy/config/listener/v3/listener_pb.js";
import { HttpConnectionManagerSchema } from "../../gen/envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager_pb.js";
import { unpackExtension } from "../common/extension-config.js";
import { hostPortFrom } from "../common/socket-address.js";
import { defineResourceType, type ValidationContext } from "../resource-type.js";
import { DubboTypeUrl, TypeName } from "../type-urls.js";
import type { FieldErrors } from "../validation.js";
import { filterChainFrom, isMatchableByGrpc, matchKeys } from "./filter-chain.js";
import { httpConnectionManagerFrom } from "./http-connection-manager.js";
import type { ClientListener, FilterChainConfig, ServerListener, ValidatedListener } from "./types.js";

function clientListener(listener: Listener, errors: FieldErrors): ClientListener {
  const at = errors.at("api_listener").at("api_listener");
  const any = listener.apiListener?.apiListener;
  let hcm: ClientListener["httpConnectionManager"] | undefined;
  if (any === undefined) at.add("is not set");
  else {
    const message = unpackExtension(any, HttpConnectionManagerSchema, at);
    if (message !== undefined) hcm = httpConnectionManagerFrom(message, "client", at);
  }
  // istiod also sets `address` on these (istio/istio#38914); it means nothing to a client, so it is ignored.
  // The cast is safe: hcm is undefined only when an error was recorded, and then the value is discarded.
  return {
    kind: "client",
    name: listener.name,
    httpConnectionManager: hcm as ClientListener["httpConnectionManager"],
  };
}

function serverListener(listener: Listener, context: ValidationContext, errors: FieldErrors): ServerListener {
  const address = hostPortFrom(listener.address, errors.at("address"));
  const filterChains: FilterChainConfig[] = [];
  const seen = new Map<string, number>();
  listener.filterChains.forEach((chain, i) => {
    const at = errors.at("filter_chains").at(i);
    if (!isMatchableByGrpc(chain.filterChainMatch)) return;
    const config = filterChainFrom(chain, context, at);
    if (config === undefined) return;
    for (const key of matchKeys(config.match)) {
      const other = seen.get(key);
      if (other !== undefined) {
        at.at("filter_chain_match").add(`duplicates the match of filter_chains[${other}]`);
        return;
      }
      seen.set(key, i);
    }
    filterChains.push(config);
  });
  const defaultFilterChain =
    listener.defaultFilterChain === undefined
      ? undefined
      : filterChainFrom(listener.defaultFilterChain, context, errors.at("default_filter_chain"));
  if (listener.filterChains.length === 0 && listener.defaultFilterChain === undefined) {
    errors.add("has neither api_listener nor filter_chains nor default_filter_chain");
  }
  // As above: address is undefined only together with a recorded error.
  return {
    kind: "server",
    name: listener.name,
    address: address as ServerListener["address"],
    filterChains,
    ...(defaultFilterChain === undefined ? {} : { defaultFilterChain }),
  };
}

export const listenerType = defineResourceType({
  kind: "Listener",
  typeName: TypeName.listener,
  aliasTypeUrls: [DubboTypeUrl.listener],
  schema: ListenerSchema,
  allResourcesRequiredInSotW: true,
  nameOf: (listener) => listener.name,
  check(listener, errors, context): ValidatedListener {
    // istiod leaves these unset for gRPC "or the client will NACK"; gRPC cannot run listener filters.
    if (listener.listenerFilters.length > 0) errors.at("listener_filters").add("is not supported");
    if (listener.useOriginalDst === true) errors.at("use_original_dst").add("is not supported");
    if (listener.apiListener !== undefined) return clientListener(listener, errors);
    return serverListener(listener, context, errors);
  },
});
