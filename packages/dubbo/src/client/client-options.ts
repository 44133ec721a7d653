import type { Interceptor } from "@dubbo-mesh/triple";
import type { ClusterName, ClusterStrategy } from "../cluster/cluster-strategy.js";
import type { FailbackOptions } from "../cluster/failback.js";
import type { Discovery } from "../discovery/discovery.js";
import type { ConsistentHashOptions, LoadBalanceName, LoadBalancer } from "../loadbalance/load-balancer.js";
import type { Router } from "../router/router.js";

/** Per-method settings; they win over the client's. Keyed by TypeScript (`greet`) or wire name (`Greet`). */
export interface MethodConfig {
  /** Deadline of each attempt, ms. */
  timeout?: number;
  /** Extra attempts after the first (failover). */
  retries?: number;
  loadbalance?: LoadBalanceName | LoadBalancer;
  /** Safe to run twice: failover may retry it after timeouts and server errors. */
  idempotent?: boolean;
  hash?: ConsistentHashOptions;
}

/** Options of `app.client(service, options)`. */
export interface ClientOptions {
  group?: string;
  version?: string;
  /** Deadline of each attempt, ms (Dubbo default 1000). */
  timeout?: number;
  /** Extra attempts after the first (Dubbo default 2; 0 in proxy mode, where the sidecar retries). */
  retries?: number;
  /** Load balancer by Dubbo name (default `random`) or an instance. */
  loadbalance?: LoadBalanceName | LoadBalancer;
  /** Fault tolerance by Dubbo name (default `failover`; `failfast` in proxy mode) or an instance. */
  cluster?: ClusterName | ClusterStrategy;
  /** Parallel calls of the forking strategy (default 2). */
  forks?: number;
  failback?: FailbackOptions;
  /** Consistent hash key (default: the first argument). */
  hash?: ConsistentHashOptions;
  methods?: Readonly<Record<string, MethodConfig>>;
  /**
   * Where the providers are instead of discovery: `tri://10.0.0.1:50051,10.0.0.2:50051` (direct, as
   * Dubbo's reference `url`), or in proxy mode the service's host name `dns:///greeter.demo.svc:50051`.
   */
  target?: string;
  /**
   * Dubbo's `providedBy` for the proxyless mesh: the mesh host (`host:port`) of the provider
   * application, e.g. `greeter.demo.svc.cluster.local:50051`. Calls then take the xDS path as with
   * `target: "xds:///greeter.demo.svc.cluster.local:50051"`.
   */
  providedBy?: string;
  /** Discovery sources for this client instead of the app's. */
  discovery?: Discovery | readonly Discovery[];
  /**
   * `grpc` (default for protobuf services), `triple` (bare unary bodies; default for interfaces), or
   * `dubbo` (interfaces only: Dubbo2 with Hessian2 to `dubbo://` endpoints; methods need `parameterTypes`).
   */
  protocol?: "grpc" | "triple" | "dubbo";
  /** `proto` (default for protobuf services) or `json` (always for interfaces). */
  codec?: "proto" | "json";
  /** This consumer's tag (`dubbo.tag`): its calls go to providers of this tag. */
  tag?: string;
  /** Interceptors for this client only, inside the app's. */
  interceptors?: readonly Interceptor[];
  /** Routers after the built-in ones (condition, tag). */
  routers?: readonly Router[];
  /** How long a call waits for discovery's first answer before failing (default: its timeout). */
  initialWaitMs?: number;
  /** Random source of the balancers and weighted routes (tests pass a seeded one). */
  random?: () => number;
}
