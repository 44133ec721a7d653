// Cluster `transport_socket` -> UpstreamTlsConfig (A29, client side).
import type { TransportSocket } from "../../gen/envoy/config/core/v3/base_pb.js";
import { UpstreamTlsContextSchema } from "../../gen/envoy/extensions/transport_sockets/tls/v3/tls_pb.js";
import { unpackExtension } from "../common/extension-config.js";
import type { FieldErrors } from "../validation.js";
import {
  checkCommonTlsContext,
  identityProvider,
  type KnownProviders,
  validationSettings,
} from "./common-tls-context.js";
import type { UpstreamTlsConfig } from "./types.js";

export function upstreamTlsFrom(
  socket: TransportSocket,
  known: KnownProviders,
  errors: FieldErrors,
): UpstreamTlsConfig | undefined {
  if (socket.configType.case !== "typedConfig") {
    errors.at("typed_config").add("is not set");
    return undefined;
  }
  const tls = unpackExtension(socket.configType.value, UpstreamTlsContextSchema, errors.at("typed_config"));
  if (tls === undefined) return undefined;
  const at = errors.at("typed_config");
  if (tls.commonTlsContext === undefined) {
    at.at("common_tls_context").add("is not set");
    return undefined;
  }
  const ctxErrors = at.at("common_tls_context");
  const before = errors.count;
  checkCommonTlsContext(tls.commonTlsContext, ctxErrors);
  const identity = identityProvider(tls.commonTlsContext, known, ctxErrors);
  const validation = validationSettings(tls.commonTlsContext, known, ctxErrors);
  if (validation.caCertificate === undefined && errors.count === before) {
    // A client that does not verify the server is not what a mesh asks for (A29 requires the CA).
    ctxErrors.add(
      "no CA certificate provider: set combined_validation_context.default_validation_context." +
        "ca_certificate_provider_instance (or the deprecated validation_context_certificate_provider_instance)",
    );
  }
  if (errors.count !== before || validation.caCertificate === undefined) return undefined;
  return {
    ...(identity === undefined ? {} : { identityCertificate: identity }),
    caCertificate: validation.caCertificate,
    sanMatchers: validation.sanMatchers,
    sni: tls.sni,
  };
}
