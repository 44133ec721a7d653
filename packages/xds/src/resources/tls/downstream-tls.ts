// Server filter chain `transport_socket` -> DownstreamTlsConfig (A29 + A36, server side).
import type { TransportSocket } from "../../gen/envoy/config/core/v3/base_pb.js";
import {
  DownstreamTlsContext_OcspStaplePolicy,
  DownstreamTlsContextSchema,
} from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { unpackExtension } from "../common/extension-config.js";
import type { FieldErrors } from "../validation.js";
import {
  checkCommonTlsContext,
  identityProvider,
  type KnownProviders,
  validationSettings,
} from "./common-tls-context.js";
import type { DownstreamTlsConfig } from "./types.js";

export function downstreamTlsFrom(
  socket: TransportSocket,
  known: KnownProviders,
  errors: FieldErrors,
): DownstreamTlsConfig | undefined {
  if (socket.name !== "" && socket.name !== "envoy.transport_sockets.tls") {
    errors.at("name").add(`unsupported transport socket ${JSON.stringify(socket.name)}`);
    return undefined;
  }
  if (socket.configType.case !== "typedConfig") {
    errors.at("typed_config").add("is not set");
    return undefined;
  }
  const at = errors.at("typed_config");
  const tls = unpackExtension(socket.configType.value, DownstreamTlsContextSchema, at);
  if (tls === undefined) return undefined;
  const before = errors.count;
  // gRPC cannot choose a certificate by SNI or staple OCSP responses.
  if (tls.requireSni === true) at.at("require_sni").add("is not supported");
  if (tls.ocspStaplePolicy !== DownstreamTlsContext_OcspStaplePolicy.LENIENT_STAPLING) {
    at.at("ocsp_staple_policy").add("only LENIENT_STAPLING is supported");
  }
  if (tls.commonTlsContext === undefined) {
    at.at("common_tls_context").add("is not set");
    return undefined;
  }
  const ctxErrors = at.at("common_tls_context");
  checkCommonTlsContext(tls.commonTlsContext, ctxErrors);
  const identity = identityProvider(tls.commonTlsContext, known, ctxErrors);
  const validation = validationSettings(tls.commonTlsContext, known, ctxErrors);
  const requireClientCertificate = tls.requireClientCertificate === true;
  if (identity === undefined && errors.count === before) {
    ctxErrors.add(
      "a server needs tls_certificate_provider_instance (or the deprecated certificate provider field)",
    );
  }
  if (requireClientCertificate && validation.caCertificate === undefined && errors.count === before) {
    at.at("require_client_certificate").add("is set but no CA certificate provider is configured");
  }
  if (errors.count !== before || identity === undefined) return undefined;
  return {
    identityCertificate: identity,
    ...(validation.caCertificate === undefined ? {} : { caCertificate: validation.caCertificate }),
    requireClientCertificate,
    sanMatchers: validation.sanMatchers,
  };
}
