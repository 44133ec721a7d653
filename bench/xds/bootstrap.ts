// The client's bootstrap, shared by the client path and the offline steps so that both validate
// against the same facts (the certificate provider the clusters' TLS settings name).

import {
  type Bootstrap,
  buildBootstrap,
  type ValidationContext,
  validationContextFor,
} from "@dubbo-mesh/xds";

export function benchBootstrap(port: number): Bootstrap {
  return buildBootstrap({
    serverUri: `127.0.0.1:${port}`,
    nodeId: `bench-xds-${process.pid}`,
    // Adds the "default" provider the clusters' TLS settings name (without it A29 says to NACK them).
    // The files are only read when a TLS connection is made, which the benchmark never does.
    certificateDir: "/var/run/secrets/istio",
  });
}

/** What the offline steps validate with: the client's, minus a server (its port plays no part). */
export function benchValidationContext(): ValidationContext {
  return validationContextFor(benchBootstrap(15010));
}
