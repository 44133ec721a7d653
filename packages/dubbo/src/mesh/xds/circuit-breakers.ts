// A32: calls in flight per cluster, across every reference of the adapter (gRPC counts per cluster
// across the channel); an attempt over the cluster's max_requests fails with UNAVAILABLE at once.

/** The in-flight count of one cluster; held by an attempt so that its end needs no lookup. */
export class InFlight {
  count = 0;
}

export class CircuitBreakers {
  private readonly clusters = new Map<string, InFlight>();

  /** The counter to take a slot from, or undefined when the cluster is at its limit. */
  tryAcquire(cluster: string, maxRequests: number): InFlight | undefined {
    let c = this.clusters.get(cluster);
    if (c === undefined) {
      c = new InFlight();
      this.clusters.set(cluster, c);
    }
    if (c.count >= maxRequests) return undefined;
    c.count++;
    return c;
  }
}
