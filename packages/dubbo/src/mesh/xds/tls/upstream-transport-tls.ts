// Client side of xDS security (A29): a cluster's UpstreamTlsConfig -> the TransportTls the SDK's
// transport pool dials with. One TransportTls per distinct configuration, so every cluster with the
// same TLS settings shares pooled connections and plaintext ones never mix with them; each new
// connection takes the certificates in force at that moment (rotation reaches the next connection).
import tls from "node:tls";
import { Code, RpcError } from "@dubbo-mesh/triple";
import type { UpstreamTlsConfig, ValidatedCluster, XdsCertificates } from "@dubbo-mesh/xds";
import type { TransportTls } from "../../../transport/transport-pool.js";

/** The configuration as a pool key: providers, SAN matchers and SNI decide what a connection is. */
function keyOf(config: UpstreamTlsConfig): string {
  return `xds-tls:${JSON.stringify([
    config.identityCertificate ?? null,
    config.caCertificate,
    config.sanMatchers.map((m) => [
      m.sanType,
      m.matcher.kind,
      "value" in m.matcher ? m.matcher.value : m.matcher.regex,
      "ignoreCase" in m.matcher && m.matcher.ignoreCase,
    ]),
    config.sni,
  ])}`;
}

class ClusterTransportTls implements TransportTls {
  constructor(
    readonly key: string,
    private readonly config: UpstreamTlsConfig,
    private readonly certificates: () => XdsCertificates,
  ) {}

  connect(host: string, port: number): tls.TLSSocket {
    const settings = this.certificates().clientSettings(this.config);
    // A29: missing certificates fail the connection; they never fall back to plaintext.
    if (typeof settings === "string") {
      throw new RpcError(Code.Unavailable, `cannot connect to ${host}:${port} with mTLS: ${settings}`);
    }
    return tls.connect({ ...settings.options, host, port });
  }
}

export class UpstreamTransportTls {
  private readonly byConfig = new WeakMap<UpstreamTlsConfig, TransportTls>();
  private readonly byKey = new Map<string, TransportTls>();

  /** `certificates` is asked on the first connection (the bootstrap may still be loading before). */
  constructor(private readonly certificates: () => XdsCertificates) {}

  /** The TransportTls for a cluster's TLS settings (a WeakMap hit per call after the first). */
  for(config: UpstreamTlsConfig): TransportTls {
    let t = this.byConfig.get(config);
    if (t === undefined) {
      const key = keyOf(config);
      t = this.byKey.get(key);
      if (t === undefined) {
        t = new ClusterTransportTls(key, config, this.certificates);
        this.byKey.set(key, t);
      }
      this.byConfig.set(config, t);
    }
    return t;
  }
}

/** The TLS of a cluster that has an UpstreamTlsContext; never plaintext in its place. */
export function clusterTransportTls(
  upstream: UpstreamTransportTls | undefined,
  cluster: ValidatedCluster,
): TransportTls {
  const config = cluster.tls as UpstreamTlsConfig;
  if (upstream === undefined) {
    throw new RpcError(
      Code.Unavailable,
      `cluster ${cluster.name} requires TLS, which this strategy cannot dial`,
    );
  }
  return upstream.for(config);
}
