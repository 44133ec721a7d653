// The outlier detectors of one mesh adapter, one per leaf cluster with outlier_detection, shared by
// every watched host whose routes reach that cluster (as the circuit-breaker counters are): ejections
// follow the endpoint, whichever reference called it. A detector lives while some host's configuration
// uses its cluster with outlier detection on; its state survives configuration and EDS updates.
import type { ValidatedCluster } from "@dubbo-mesh/xds";
import { ClusterOutlierDetector, detectsOutliers, type OutlierDeps } from "./outlier-detection.js";

export class OutlierDetectors {
  private readonly detectors = new Map<string, { detector: ClusterOutlierDetector; users: Set<object> }>();
  private readonly uses = new Map<object, Set<string>>();

  constructor(private readonly deps: OutlierDeps) {}

  /**
   * The detector of leaf cluster `cluster` over `keys` (the endpoints its calls may use), as `user`
   * (a watched host) sees the cluster now; undefined when the cluster detects no outliers.
   * `user`'s earlier uses end at its next `endUpdate`.
   */
  use(user: object, cluster: ValidatedCluster, keys: readonly string[]): ClusterOutlierDetector | undefined {
    const config = cluster.outlierDetection;
    if (config === undefined || !detectsOutliers(config)) return undefined;
    let d = this.detectors.get(cluster.name);
    if (d === undefined) {
      d = { detector: new ClusterOutlierDetector(cluster.name, config, this.deps), users: new Set() };
      this.detectors.set(cluster.name, d);
    } else {
      d.detector.setConfig(config);
    }
    d.detector.setEndpoints(keys);
    d.users.add(user);
    let names = this.uses.get(user);
    if (names === undefined) {
      names = new Set();
      this.uses.set(user, names);
    }
    names.add(cluster.name);
    return d.detector;
  }

  /** Starts one update of `user`'s configuration: what it does not `use` again is released. */
  beginUpdate(user: object): UpdateScope {
    const before = this.uses.get(user) ?? new Set<string>();
    this.uses.set(user, new Set());
    return {
      end: () => {
        const now = this.uses.get(user) ?? new Set<string>();
        for (const name of before) if (!now.has(name)) this.release(user, name);
      },
    };
  }

  /** `user` is gone (its host is no longer watched). */
  forget(user: object): void {
    for (const name of this.uses.get(user) ?? []) this.release(user, name);
    this.uses.delete(user);
  }

  close(): void {
    for (const { detector } of this.detectors.values()) detector.close();
    this.detectors.clear();
    this.uses.clear();
  }

  private release(user: object, name: string): void {
    const d = this.detectors.get(name);
    if (d === undefined) return;
    d.users.delete(user);
    if (d.users.size > 0) return;
    d.detector.close();
    this.detectors.delete(name);
  }
}

export interface UpdateScope {
  end(): void;
}
