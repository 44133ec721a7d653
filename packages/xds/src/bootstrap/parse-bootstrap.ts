// gRPC xDS bootstrap JSON -> Bootstrap, failing on the first problem with its JSON path.
import type { JsonValue } from "@bufbuild/protobuf";
import { BootstrapError } from "./bootstrap-error.js";
import { JsonAt } from "./json-value.js";
import { parseServerUri } from "./server-uri.js";
import type {
  AuthorityConfig,
  Bootstrap,
  CallCredentials,
  CertificateProviderConfig,
  ChannelCredentials,
  NodeConfig,
  XdsServerConfig,
} from "./types.js";

/** A29: the file_watcher default when refresh_interval is absent (grpc-go uses the same). */
const DEFAULT_REFRESH_INTERVAL_MS = 600_000;

/** Certificate/key pairs: both or neither. */
function keyPair(config: JsonAt): { certificateFile?: string; privateKeyFile?: string } {
  const certificateFile = config.field("certificate_file").optionalNonEmptyString();
  const privateKeyFile = config.field("private_key_file").optionalNonEmptyString();
  if ((certificateFile === undefined) !== (privateKeyFile === undefined)) {
    config.fail("certificate_file and private_key_file must be given together");
  }
  return {
    ...(certificateFile === undefined ? {} : { certificateFile }),
    ...(privateKeyFile === undefined ? {} : { privateKeyFile }),
  };
}

function refreshInterval(config: JsonAt): number {
  const at = config.field("refresh_interval");
  return at.present ? at.durationMs() : DEFAULT_REFRESH_INTERVAL_MS;
}

function channelCredentialsFrom(list: JsonAt): ChannelCredentials {
  const entries = list.array();
  if (entries.length === 0) list.fail("must list at least one credential type");
  const seen: string[] = [];
  for (const entry of entries) {
    const type = entry.field("type").nonEmptyString();
    const config = entry.field("config");
    if (type === "insecure") return { type: "insecure" };
    if (type === "tls") {
      if (!config.present) return { type: "tls", refreshIntervalMs: DEFAULT_REFRESH_INTERVAL_MS };
      const caCertificateFile = config.field("ca_certificate_file").optionalNonEmptyString();
      return {
        type: "tls",
        ...(caCertificateFile === undefined ? {} : { caCertificateFile }),
        ...keyPair(config),
        refreshIntervalMs: refreshInterval(config),
      };
    }
    seen.push(type);
  }
  const hint = seen.includes("google_default")
    ? " (google_default needs Google Cloud credentials, which this SDK does not provide)"
    : "";
  return list.fail(`no supported type among ${seen.join(", ")}${hint}; use "insecure" or "tls"`);
}

function callCredentialsFrom(list: JsonAt): CallCredentials[] {
  if (!list.present) return [];
  const out: CallCredentials[] = [];
  // A97: apply every supported type, ignore the others.
  for (const entry of list.array()) {
    const type = entry.field("type").nonEmptyString();
    if (type === "jwt_token_file") {
      out.push({ type, jwtTokenFile: entry.field("config").field("jwt_token_file").nonEmptyString() });
    }
  }
  return out;
}

function xdsServersFrom(list: JsonAt, required: boolean): XdsServerConfig[] {
  const entries = list.array();
  if (required && entries.length === 0) list.fail("must list at least one server");
  return entries.map((server) => {
    const uriAt = server.field("server_uri");
    const serverUri = uriAt.nonEmptyString();
    const address = parseServerUri(serverUri);
    if (typeof address === "string") uriAt.fail(address);
    const featuresAt = server.field("server_features");
    const serverFeatures = featuresAt.present ? featuresAt.array().map((f) => f.string()) : [];
    return {
      serverUri,
      channelCredentials: channelCredentialsFrom(server.field("channel_creds")),
      callCredentials: callCredentialsFrom(server.field("call_creds")),
      serverFeatures,
      ignoreResourceDeletion: serverFeatures.includes("ignore_resource_deletion"),
    };
  });
}

function nodeFrom(at: JsonAt): NodeConfig {
  if (!at.present) {
    return { id: "", cluster: "", locality: { region: "", zone: "", subZone: "" }, metadata: {} };
  }
  const loc = at.field("locality");
  const metadataAt = at.field("metadata");
  return {
    id: at.field("id").optionalString(),
    cluster: at.field("cluster").optionalString(),
    // Missing locality is tolerated (A27 makes it optional) and becomes the empty locality.
    locality: loc.present
      ? {
          region: loc.field("region").optionalString(),
          zone: loc.field("zone").optionalString(),
          subZone: loc.field("sub_zone").optionalString(),
        }
      : { region: "", zone: "", subZone: "" },
    metadata: metadataAt.present ? metadataAt.object() : {},
  };
}

function certificateProvidersFrom(at: JsonAt): Record<string, CertificateProviderConfig> {
  const out: Record<string, CertificateProviderConfig> = {};
  if (!at.present) return out;
  for (const [name, entry] of at.entries()) {
    const plugin = entry.field("plugin_name").nonEmptyString();
    if (plugin !== "file_watcher") {
      entry.field("plugin_name").fail(`${JSON.stringify(plugin)} is not supported (only file_watcher)`);
    }
    const config = entry.field("config");
    config.object();
    const caCertificateFile = config.field("ca_certificate_file").optionalNonEmptyString();
    const pair = keyPair(config);
    if (pair.certificateFile === undefined && caCertificateFile === undefined) {
      config.fail("needs certificate_file and private_key_file, or ca_certificate_file, or both");
    }
    out[name] = {
      pluginName: "file_watcher",
      ...pair,
      ...(caCertificateFile === undefined ? {} : { caCertificateFile }),
      refreshIntervalMs: refreshInterval(config),
    };
  }
  return out;
}

function authoritiesFrom(at: JsonAt): Record<string, AuthorityConfig> {
  const out: Record<string, AuthorityConfig> = {};
  if (!at.present) return out;
  for (const [name, entry] of at.entries()) {
    entry.object();
    const templateAt = entry.field("client_listener_resource_name_template");
    const prefix = `xdstp://${name}/`;
    const template = templateAt.present
      ? templateAt.string()
      : `${prefix}envoy.config.listener.v3.Listener/%s`;
    // A47: an authority's names must live under that authority.
    if (!template.startsWith(prefix)) templateAt.fail(`must start with ${JSON.stringify(prefix)}`);
    const serversAt = entry.field("xds_servers");
    out[name] = {
      clientListenerResourceNameTemplate: template,
      xdsServers: serversAt.present ? xdsServersFrom(serversAt, false) : [],
    };
  }
  return out;
}

/**
 * Parses a bootstrap (JSON text or an already parsed value). Unknown fields are ignored, as in every
 * gRPC implementation, so a bootstrap written for grpc-go or by istio-agent/dubbod reads here too.
 */
export function parseBootstrap(input: string | JsonValue): Bootstrap {
  let json: JsonValue;
  if (typeof input === "string") {
    try {
      json = JSON.parse(input) as JsonValue;
    } catch (e) {
      throw new BootstrapError(`bootstrap: invalid JSON: ${(e as Error).message}`);
    }
  } else {
    json = input;
  }
  const root = new JsonAt(json, "");
  root.object();
  const serverTemplate = root.field("server_listener_resource_name_template");
  const clientTemplate = root.field("client_default_listener_resource_name_template");
  return {
    xdsServers: xdsServersFrom(root.field("xds_servers"), true),
    node: nodeFrom(root.field("node")),
    certificateProviders: certificateProvidersFrom(root.field("certificate_providers")),
    ...(serverTemplate.present ? { serverListenerResourceNameTemplate: serverTemplate.string() } : {}),
    clientDefaultListenerResourceNameTemplate: clientTemplate.present ? clientTemplate.string() : "%s",
    authorities: authoritiesFrom(root.field("authorities")),
  };
}
