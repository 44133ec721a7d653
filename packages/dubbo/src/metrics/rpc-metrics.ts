import type { AnyFn, AnyRequest, AnyResponse, Interceptor, MethodInfo } from "@dubbo-mesh/triple";
import { RpcError } from "@dubbo-mesh/triple";
import { type Metric, Registry } from "prom-client";

export type Side = "consumer" | "provider";

/** Latency buckets in seconds: 1 ms to 10 s, the range RPC latencies live in. */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The numbers of one side/service/method, updated on every call with plain arithmetic. */
class MethodStats {
  requests = 0;
  inFlight = 0;
  readonly failures = new Map<number, number>();
  /** Per-bucket counts (not cumulative; the last slot is +Inf). */
  readonly buckets = new Float64Array(BUCKETS.length + 1);
  sumSeconds = 0;
  count = 0;

  constructor(
    readonly side: Side,
    readonly service: string,
    readonly method: string,
  ) {}

  observe(seconds: number): void {
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    this.buckets[i]++;
    this.sumSeconds += seconds;
    this.count++;
  }
}

interface MetricValue {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}

type MetricType = "counter" | "gauge" | "histogram";

/**
 * RPC metrics in Prometheus form, per side (consumer/provider), service and method:
 * `dubbo_requests_total`, `dubbo_requests_failed_total` (with the gRPC `code`),
 * `dubbo_request_duration_seconds` (histogram) and `dubbo_requests_in_flight`. Each app has its own
 * prom-client registry (two apps in one process do not collide), labelled with `application`.
 *
 * The interceptors only bump plain numbers; they become prom-client metric values when scraped. The
 * prom-client metric classes hash their label values on every update, which cost more per call than
 * the rest of the SDK's call path together.
 *
 * For streaming calls the duration runs until the response stream starts.
 */
export class RpcMetrics {
  readonly registry: Registry;
  private readonly stats: MethodStats[] = [];
  private readonly bySide: Record<Side, Map<MethodInfo, MethodStats>> = {
    consumer: new Map(),
    provider: new Map(),
  };

  constructor(application: string, registry?: Registry) {
    this.registry = registry ?? new Registry();
    this.registry.setDefaultLabels({ application });
    this.register(
      "dubbo_requests_total",
      "RPCs started, by side (consumer/provider), service and method",
      "counter",
      () => this.stats.map((s) => ({ value: s.requests, labels: labelsOf(s) })),
    );
    this.register(
      "dubbo_requests_failed_total",
      "RPCs that ended with an error, by side, service, method and gRPC status code",
      "counter",
      () =>
        this.stats.flatMap((s) =>
          [...s.failures].map(([code, n]) => ({ value: n, labels: { ...labelsOf(s), code } })),
        ),
    );
    this.register(
      "dubbo_request_duration_seconds",
      "RPC latency in seconds, by side, service and method",
      "histogram",
      () => this.stats.flatMap((s) => histogramValues(s)),
    );
    this.register("dubbo_requests_in_flight", "RPCs in progress, by side, service and method", "gauge", () =>
      this.stats.map((s) => ({ value: s.inFlight, labels: labelsOf(s) })),
    );
  }

  /** An interceptor that records every call it sees on `side`. */
  interceptor(side: Side): Interceptor {
    const table = this.bySide[side];
    return (next: AnyFn) => (req: AnyRequest) => {
      // MethodInfo objects are made once per method, so they key the table without building strings.
      let s = table.get(req.method);
      if (s === undefined) s = this.add(table, side, req.method);
      const stats = s;
      stats.requests++;
      stats.inFlight++;
      const t0 = performance.now();
      return next(req).then(
        (res: AnyResponse) => {
          stats.inFlight--;
          stats.observe((performance.now() - t0) / 1000);
          return res;
        },
        (e: unknown) => {
          stats.inFlight--;
          stats.observe((performance.now() - t0) / 1000);
          const code = e instanceof RpcError ? e.code : 2;
          stats.failures.set(code, (stats.failures.get(code) ?? 0) + 1);
          throw e;
        },
      );
    };
  }

  /** The Prometheus text exposition of every metric of this app. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private add(table: Map<MethodInfo, MethodStats>, side: Side, m: MethodInfo): MethodStats {
    // Two MethodInfo objects may name the same method (two clients of one service): share the numbers.
    let s = this.stats.find((x) => x.side === side && x.service === m.service && x.method === m.method);
    if (s === undefined) {
      s = new MethodStats(side, m.service, m.method);
      this.stats.push(s);
    }
    table.set(m, s);
    return s;
  }

  /** A metric prom-client formats like its own: name, help, type and values at scrape time. */
  private register(name: string, help: string, type: MetricType, values: () => MetricValue[]): void {
    const metric = {
      name,
      help,
      type,
      aggregator: "sum",
      get: async () => ({ name, help, type, aggregator: "sum", values: values() }),
      reset: () => {},
    };
    this.registry.registerMetric(metric as unknown as Metric);
  }
}

function labelsOf(s: MethodStats): Record<string, string> {
  return { side: s.side, service: s.service, method: s.method };
}

function histogramValues(s: MethodStats): MetricValue[] {
  const labels = labelsOf(s);
  const out: MetricValue[] = [];
  let cumulative = 0;
  for (let i = 0; i < BUCKETS.length; i++) {
    cumulative += s.buckets[i];
    out.push({
      metricName: "dubbo_request_duration_seconds_bucket",
      value: cumulative,
      labels: { ...labels, le: BUCKETS[i] },
    });
  }
  cumulative += s.buckets[BUCKETS.length];
  out.push({
    metricName: "dubbo_request_duration_seconds_bucket",
    value: cumulative,
    labels: { ...labels, le: "+Inf" },
  });
  out.push({ metricName: "dubbo_request_duration_seconds_sum", value: s.sumSeconds, labels });
  out.push({ metricName: "dubbo_request_duration_seconds_count", value: s.count, labels });
  return out;
}
