// Prometheus metrics of the xDS server, named as istiod names them (pilot_xds, pilot_xds_pushes,
// pilot_xds_push_time, pilot_proxy_convergence_time, pilot_total_xds_rejects...) so the dashboards
// and alerts people already have for istiod work unchanged.
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class XdsMetrics {
  readonly registry = new Registry();
  readonly connectedClients = new Gauge({
    name: "pilot_xds",
    help: "Number of endpoints connected to this control plane using xDS.",
    registers: [this.registry],
  });
  readonly pushes = new Counter({
    name: "pilot_xds_pushes",
    help: "xDS responses sent, by type (cds, eds, lds, rds).",
    labelNames: ["type"],
    registers: [this.registry],
  });
  readonly pushTime = new Histogram({
    name: "pilot_xds_push_time",
    help: "Seconds from the start of a debounced push until every connection has been sent its share.",
    labelNames: ["type"],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 3, 5, 10, 20, 30],
    registers: [this.registry],
  });
  readonly convergence = new Histogram({
    name: "pilot_proxy_convergence_time",
    help: "Seconds from a config or registry change until a client acknowledged the push it caused.",
    buckets: [0.1, 0.5, 1, 3, 5, 10, 20, 30],
    registers: [this.registry],
  });
  readonly debounceTime = new Histogram({
    name: "pilot_debounce_time",
    help: "Seconds a push was delayed by debouncing.",
    buckets: [0.01, 0.1, 0.5, 1, 3, 5, 10],
    registers: [this.registry],
  });
  readonly rejects = new Counter({
    name: "pilot_total_xds_rejects",
    help: "xDS responses rejected (NACKed) by clients, by type.",
    labelNames: ["type"],
    registers: [this.registry],
  });
  readonly triggers = new Counter({
    name: "pilot_push_triggers",
    help: "Push triggers, by kind (config, endpoint).",
    labelNames: ["type"],
    registers: [this.registry],
  });
  readonly configProblems = new Gauge({
    name: "dubbo_mesh_config_problems",
    help: "Config files currently rejected (their last good content stays in force).",
    registers: [this.registry],
  });
}
