// The certificate providers of one bootstrap, as xDS TLS configurations use them (A29): providers are
// taken from the process-wide store when a configuration first names them and held until close();
// TLS settings are cached per configuration object and remade when a provider's material changes, so
// a rotation reaches the next new connection and costs nothing per connection otherwise.
import type { Bootstrap } from "../bootstrap/types.js";
import { defaultLogger, type XdsLogger } from "../client/logger.js";
import type {
  CertificateProviderRef,
  DownstreamTlsConfig,
  UpstreamTlsConfig,
} from "../resources/tls/types.js";
import type { CertificateProvider } from "./certificate-provider.js";
import {
  type CertificateProviderLease,
  type CertificateProviderStore,
  certificateProviderStore,
} from "./certificate-provider-store.js";
import {
  type ClientTlsSettings,
  clientTlsSettings,
  type ServerTlsSettings,
  serverTlsSettings,
} from "./tls-settings.js";

export interface XdsCertificatesOptions {
  /** Default: the process-wide store. */
  readonly store?: CertificateProviderStore;
  readonly logger?: XdsLogger;
}

interface Cached<T> {
  readonly stamp: string;
  readonly value: T | string;
}

export class XdsCertificates {
  private readonly leases = new Map<string, CertificateProviderLease>();
  private server = new WeakMap<DownstreamTlsConfig, Cached<ServerTlsSettings>>();
  private client = new WeakMap<UpstreamTlsConfig, Cached<ClientTlsSettings>>();
  private closed = false;
  private readonly lookup = (ref: CertificateProviderRef): CertificateProvider =>
    this.provider(ref.instanceName);

  constructor(
    private readonly bootstrap: Bootstrap,
    private readonly options: XdsCertificatesOptions = {},
  ) {}

  /**
   * The provider for a bootstrap instance name. Throws for a name the bootstrap lacks: the resource
   * naming it was NACKed by the XdsClient (A29), so only a caller that skipped validation gets here.
   */
  provider(instanceName: string): CertificateProvider {
    const held = this.leases.get(instanceName);
    if (held !== undefined) return held.provider;
    if (this.closed) throw new Error("the xDS certificate providers are closed");
    const config = this.bootstrap.certificateProviders[instanceName];
    if (config === undefined) {
      throw new Error(`${JSON.stringify(instanceName)} is not a certificate provider in the bootstrap`);
    }
    const lease = (this.options.store ?? certificateProviderStore).acquire(
      instanceName,
      config,
      this.options.logger ?? defaultLogger,
    );
    this.leases.set(instanceName, lease);
    return lease.provider;
  }

  /** Settings for a server filter chain's TLS, or why there are none. */
  serverSettings(config: DownstreamTlsConfig): ServerTlsSettings | string {
    const stamp = this.stamp(config.identityCertificate, config.caCertificate);
    const hit = this.server.get(config);
    if (hit !== undefined && hit.stamp === stamp && typeof hit.value !== "string") return hit.value;
    const value = serverTlsSettings(config, this.lookup);
    this.server.set(config, { stamp, value });
    return value;
  }

  /** Settings for a cluster's TLS, or why there are none. */
  clientSettings(config: UpstreamTlsConfig): ClientTlsSettings | string {
    const stamp = this.stamp(config.identityCertificate, config.caCertificate);
    const hit = this.client.get(config);
    if (hit !== undefined && hit.stamp === stamp && typeof hit.value !== "string") return hit.value;
    const value = clientTlsSettings(config, this.lookup);
    this.client.set(config, { stamp, value });
    return value;
  }

  /** Re-reads the files of every provider in use now, instead of at the next refresh interval. */
  async refresh(): Promise<void> {
    await Promise.all([...this.leases.values()].map((l) => l.provider.refresh()));
  }

  close(): void {
    this.closed = true;
    for (const l of this.leases.values()) l.release();
    this.leases.clear();
    this.server = new WeakMap();
    this.client = new WeakMap();
  }

  /**
   * The material versions a configuration's settings were made from. Failed settings (material not
   * loaded) are not reused: making them again asks the provider, which looks for the files again.
   */
  private stamp(a: CertificateProviderRef | undefined, b: CertificateProviderRef | undefined): string {
    const va = a === undefined ? "-" : this.provider(a.instanceName).version;
    const vb = b === undefined ? "-" : this.provider(b.instanceName).version;
    return `${va}/${vb}`;
  }
}
