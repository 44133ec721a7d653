// A29's certificate provider as the SDK sees one: the identity certificate (chain + key) and the trust
// roots it last loaded successfully, a version that moves whenever either changes (TLS contexts made
// from them are cached on it), and why something is missing or stale.
import type { X509Certificate } from "node:crypto";

export interface IdentityCertificate {
  /** PEM: the leaf certificate first, then any intermediates. */
  readonly certChain: Buffer;
  /** PEM private key of the leaf. */
  readonly privateKey: Buffer;
  readonly leaf: X509Certificate;
}

export interface CertificateProvider {
  /** The bootstrap's instance name (`default` in Istio's bootstrap). */
  readonly name: string;
  /** The last good identity certificate; undefined until one loaded (or the provider has none). */
  identity(): IdentityCertificate | undefined;
  /** The last good PEM trust roots; undefined until they loaded (or the provider has none). */
  roots(): Buffer | undefined;
  /** Moves whenever identity or roots change. */
  readonly version: number;
  /** Why the last read failed (the last good material, if any, stays in use); undefined when it did not. */
  readonly problem: string | undefined;
  /** Re-reads the material now (rotation without waiting for the refresh interval). */
  refresh(): Promise<void>;
}
