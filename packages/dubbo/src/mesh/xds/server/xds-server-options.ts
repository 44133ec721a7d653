// Options of the xDS-enabled server side of `xdsMesh(...)` (gRFC A36/A41) and its serving status.

/** A36's serving state of one listening port. */
export type XdsServingStatus =
  | { readonly serving: true; readonly listener: string }
  | { readonly serving: false; readonly listener: string; readonly reason: string };

export interface XdsServerOptions {
  /**
   * Called whenever the port starts or stops serving (A36's serving-state callback). Without it the
   * changes are logged: not serving at warn, serving again at info.
   */
  readonly onServingStatus?: (status: XdsServingStatus) => void;
  /**
   * Register the provider with the control plane through its ADS node metadata (app, namespace,
   * labels, INSTANCE_IPS, DUBBO_PORTS, DUBBO_SERVICES), as our control plane's auto-registration and
   * Istio's WorkloadGroup auto-registration read them. Default true when the bootstrap is built from
   * `xdsServer`; a bootstrap file (istio-agent's) is used as it is.
   */
  readonly register?: boolean;
}
