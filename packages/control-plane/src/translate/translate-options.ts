// Knobs of the translation that a mesh operator may change.
export interface TranslateOptions {
  /** Cluster domain of service hosts (default `cluster.local`). */
  readonly domain: string;
  /** Policies in this namespace apply mesh-wide (Istio's root namespace, default `istio-system`). */
  readonly rootNamespace: string;
  /** SPIFFE trust domain for mTLS identities (default `cluster.local`). */
  readonly trustDomain: string;
}

export const DEFAULT_TRANSLATE_OPTIONS: TranslateOptions = {
  domain: "cluster.local",
  rootNamespace: "istio-system",
  trustDomain: "cluster.local",
};
