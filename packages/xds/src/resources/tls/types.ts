// What the SDK needs to set up mTLS from xDS (A29): which bootstrap certificate provider instance
// supplies the identity certificate and the trust roots, and how to check the peer's SANs.
import type { StringMatcherConfig } from "../common/string-matcher.js";

/** A certificate from a bootstrap `certificate_providers` instance (Istio: `default` / `ROOTCA`). */
export interface CertificateProviderRef {
  readonly instanceName: string;
  readonly certificateName: string;
}

export type SanType = "any" | "email" | "dns" | "uri" | "ip_address";

export interface SanMatcherConfig {
  /** `any` for the untyped `match_subject_alt_names` list (matches a SAN of any type). */
  readonly sanType: SanType;
  readonly matcher: StringMatcherConfig;
}

/** Client side (CDS `transport_socket`): verify the server, optionally present our certificate. */
export interface UpstreamTlsConfig {
  readonly identityCertificate?: CertificateProviderRef;
  readonly caCertificate: CertificateProviderRef;
  /** Empty: any certificate chaining to the CA is accepted. Istio sends exact SPIFFE ids. */
  readonly sanMatchers: readonly SanMatcherConfig[];
  /** SNI to send; empty for none. */
  readonly sni: string;
}

/** Server side (LDS filter chain `transport_socket`): present our certificate, maybe verify clients. */
export interface DownstreamTlsConfig {
  readonly identityCertificate: CertificateProviderRef;
  readonly caCertificate?: CertificateProviderRef;
  readonly requireClientCertificate: boolean;
  readonly sanMatchers: readonly SanMatcherConfig[];
}
