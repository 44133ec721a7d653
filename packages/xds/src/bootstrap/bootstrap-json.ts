// Bootstrap -> gRPC's bootstrap JSON, e.g. to hand to grpc-js-xds through GRPC_XDS_BOOTSTRAP_CONFIG or
// to write a file for a sidecar-less pod. parseBootstrap(bootstrapToJson(b)) gives `b` back.
import type { JsonObject } from "@bufbuild/protobuf";
import type { Bootstrap, CertificateProviderConfig, ChannelCredentials, XdsServerConfig } from "./types.js";

/** Milliseconds as a protobuf-JSON Duration: 900000 -> "900s", 1500 -> "1.500s". */
export function durationJson(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const rest = ms % 1000;
  return rest === 0 ? `${seconds}s` : `${seconds}.${String(rest).padStart(3, "0")}s`;
}

function channelCredsJson(c: ChannelCredentials): JsonObject {
  if (c.type === "insecure") return { type: "insecure" };
  const config: JsonObject = { refresh_interval: durationJson(c.refreshIntervalMs) };
  if (c.caCertificateFile !== undefined) config.ca_certificate_file = c.caCertificateFile;
  if (c.certificateFile !== undefined) config.certificate_file = c.certificateFile;
  if (c.privateKeyFile !== undefined) config.private_key_file = c.privateKeyFile;
  return { type: "tls", config };
}

function serverJson(s: XdsServerConfig): JsonObject {
  const out: JsonObject = {
    server_uri: s.serverUri,
    channel_creds: [channelCredsJson(s.channelCredentials)],
    server_features: [...s.serverFeatures],
  };
  if (s.callCredentials.length > 0) {
    out.call_creds = s.callCredentials.map((c) => ({
      type: c.type,
      config: { jwt_token_file: c.jwtTokenFile },
    }));
  }
  return out;
}

function providerJson(p: CertificateProviderConfig): JsonObject {
  const config: JsonObject = { refresh_interval: durationJson(p.refreshIntervalMs) };
  if (p.certificateFile !== undefined) config.certificate_file = p.certificateFile;
  if (p.privateKeyFile !== undefined) config.private_key_file = p.privateKeyFile;
  if (p.caCertificateFile !== undefined) config.ca_certificate_file = p.caCertificateFile;
  return { plugin_name: p.pluginName, config };
}

export function bootstrapToJson(b: Bootstrap): JsonObject {
  const out: JsonObject = {
    xds_servers: b.xdsServers.map(serverJson),
    node: {
      id: b.node.id,
      cluster: b.node.cluster,
      locality: {
        region: b.node.locality.region,
        zone: b.node.locality.zone,
        sub_zone: b.node.locality.subZone,
      },
      metadata: { ...b.node.metadata },
    },
  };
  const providers = Object.entries(b.certificateProviders);
  if (providers.length > 0)
    out.certificate_providers = Object.fromEntries(providers.map(([k, p]) => [k, providerJson(p)]));
  if (b.serverListenerResourceNameTemplate !== undefined) {
    out.server_listener_resource_name_template = b.serverListenerResourceNameTemplate;
  }
  out.client_default_listener_resource_name_template = b.clientDefaultListenerResourceNameTemplate;
  const authorities = Object.entries(b.authorities);
  if (authorities.length > 0) {
    out.authorities = Object.fromEntries(
      authorities.map(([name, a]) => [
        name,
        {
          client_listener_resource_name_template: a.clientListenerResourceNameTemplate,
          ...(a.xdsServers.length > 0 ? { xds_servers: a.xdsServers.map(serverJson) } : {}),
        },
      ]),
    );
  }
  return out;
}
