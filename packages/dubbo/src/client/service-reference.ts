import {
  type AnyFn,
  type AnyRequest,
  Code,
  type Interceptor,
  Metadata,
  RpcError,
  type StreamResponse,
  type UnaryResponse,
} from "@dubbo-mesh/triple";
import type { ClusterContext, ClusterName, ClusterStrategy } from "../cluster/cluster-strategy.js";
import { createCluster } from "../cluster/clusters.js";
import { isRetryable, isUnreachable } from "../cluster/retry-policy.js";
import type { ConsumerOverride } from "../config/configurator/configurators.js";
import { serviceRuleKey } from "../config/rule-keys.js";
import type { Directory } from "../directory/directory.js";
import type { Invoker } from "../directory/invoker.js";
import { createLoadBalancer } from "../loadbalance/balancers.js";
import type { LoadBalanceName, LoadBalancer } from "../loadbalance/load-balancer.js";
import type { Logger } from "../log/logger.js";
import { ConditionRouter } from "../router/condition/condition-router.js";
import type { ConsumerInfo, Router } from "../router/router.js";
import { RouterChain } from "../router/router-chain.js";
import { FORCE_TAG_KEY, TAG_KEY, TagRouter } from "../router/tag/tag-router.js";
import type { TransportSpec } from "../transport/transport-pool.js";
import { Call } from "./call.js";
import type { DubboCallOptions } from "./call-options.js";
import type { ClientOptions } from "./client-options.js";
import { compose } from "./compose.js";
import type { Invocation } from "./invocation.js";
import { LiveRules, type RuleStores } from "./live-rules.js";
import type { MethodPlan, MethodSource } from "./method-plan.js";
import { OutgoingRequest } from "./outgoing-request.js";
import type { Scheduler } from "./scheduler.js";
import { StreamCall } from "./stream-call.js";

/** Dubbo's defaults: 1 s per attempt, 2 retries, random, failover. */
export const DEFAULT_TIMEOUT_MS = 1000;
export const DEFAULT_RETRIES = 2;

/** App-wide defaults a client starts from. */
export interface ClientDefaults {
  timeout?: number;
  retries?: number;
  loadbalance?: LoadBalanceName;
  cluster?: ClusterName;
}

export interface ReferenceArgs {
  readonly interfaceName: string;
  readonly methods: readonly MethodSource[];
  readonly options: ClientOptions;
  readonly defaults: ClientDefaults;
  readonly directory: Directory;
  readonly consumer: ConsumerInfo;
  readonly rules: RuleStores | undefined;
  readonly interceptors: readonly Interceptor[];
  readonly routers: readonly Router[];
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  readonly proxyMode: boolean;
  readonly spec: TransportSpec;
}

/**
 * The consumer side of one service (Dubbo's ReferenceConfig + cluster invoker): interceptors ->
 * cluster strategy -> routers -> directory -> load balancer -> transport, with its rules kept live.
 * Typed clients are thin functions over `unary` and `stream`.
 */
export class ServiceReference implements ClusterContext {
  readonly logger: Logger;
  private readonly plans = new Map<string, MethodPlan>();
  private readonly chain: AnyFn;
  private readonly routerChain: RouterChain;
  private readonly conditionRouter: ConditionRouter;
  private readonly tagRouter: TagRouter;
  private readonly balancers = new Map<string, LoadBalancer>();
  private readonly clusters = new Map<string, ClusterStrategy>();
  private consumerConfig: ConsumerOverride = { methods: {} };
  private readonly group: string;
  private readonly version: string;
  private readonly consumerTag: string | undefined;
  private readonly rules: LiveRules | undefined;
  private closed = false;

  constructor(private readonly a: ReferenceArgs) {
    this.logger = a.logger;
    this.group = a.options.group ?? "";
    this.version = a.options.version ?? "";
    this.consumerTag = a.options.tag;
    const random = a.options.random ?? Math.random;
    this.conditionRouter = new ConditionRouter(a.consumer, random);
    this.tagRouter = new TagRouter(a.consumer);
    this.routerChain = new RouterChain([this.tagRouter, this.conditionRouter, ...a.routers]);
    for (const m of a.methods) {
      const plan = { ...m } as MethodPlan;
      this.resolve(plan);
      this.plans.set(m.localName, plan);
    }
    this.chain = compose(
      (req: AnyRequest) =>
        req.stream
          ? this.streamInner(req as unknown as OutgoingRequest)
          : this.unaryInner(req as unknown as OutgoingRequest),
      a.interceptors,
    );
    // Proxy mode leaves routing to the sidecar.
    this.rules =
      a.rules === undefined || a.proxyMode
        ? undefined
        : new LiveRules({
            stores: a.rules,
            directory: a.directory,
            serviceKey: serviceRuleKey({
              interface: a.interfaceName,
              group: this.group,
              version: this.version,
            }),
            target: {
              application: a.consumer.params.application ?? "",
              host: a.consumer.params.host ?? "",
              service: a.interfaceName,
              params: a.consumer.params,
            },
            conditionRouter: this.conditionRouter,
            tagRouter: this.tagRouter,
            onConsumerConfig: (o) => {
              this.consumerConfig = o;
              for (const plan of this.plans.values()) this.resolve(plan);
            },
          });
  }

  plan(localName: string): MethodPlan {
    const p = this.plans.get(localName);
    if (p === undefined) throw new TypeError(`${this.a.interfaceName} has no method ${localName}`);
    return p;
  }

  /** A unary call through the whole path; resolves with the response message. */
  unary(plan: MethodPlan, message: unknown, options: DubboCallOptions | undefined): Promise<unknown> {
    const req = new OutgoingRequest(
      false,
      plan,
      this.requestHeader(options),
      message,
      options?.timeoutMs ?? plan.timeoutMs,
      options,
    );
    return (this.chain(req as unknown as AnyRequest) as Promise<UnaryResponse>).then((res) => {
      const cb = options?.onResponseAttachments;
      if (cb !== undefined) cb(mergeMetadata(res.header, res.trailer));
      return res.message;
    });
  }

  /** A streaming call; `input` must be replayable for server streaming (see `replayable`). */
  stream(
    plan: MethodPlan,
    input: AsyncIterable<unknown>,
    options: DubboCallOptions | undefined,
  ): Promise<StreamResponse> {
    const req = new OutgoingRequest(
      true,
      plan,
      this.requestHeader(options),
      input,
      options?.timeoutMs ?? plan.timeoutMs,
      options,
    );
    return this.chain(req as unknown as AnyRequest) as Promise<StreamResponse>;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.rules?.close();
    this.a.directory.close();
  }

  // ---- ClusterContext ----

  list(inv: Invocation): readonly Invoker[] {
    const all = this.a.directory.list();
    if (all.length === 0) {
      const why = this.a.directory.ready ? "discovery lists no endpoints" : "discovery has not answered yet";
      throw new RpcError(Code.Unavailable, `no provider available for ${this.describe()}: ${why}`);
    }
    const routed = this.routerChain.route(all, inv);
    if (routed.length === 0) {
      throw new RpcError(
        Code.Unavailable,
        `no provider of ${this.describe()} left for ${inv.method} after routing: ${all.length} endpoint(s) known, the rules exclude all of them`,
      );
    }
    return routed;
  }

  select(invokers: readonly Invoker[], inv: Invocation, exclude?: readonly Invoker[]): Invoker {
    if (invokers.length === 1) return invokers[0];
    let candidates = invokers;
    if (exclude !== undefined && exclude.length > 0) {
      const rest = invokers.filter((i) => !exclude.includes(i));
      if (rest.length > 0) candidates = rest;
    }
    const balancer = (inv as Call).plan.balancer;
    const picked = balancer.select(candidates, inv);
    if (picked.stats.lastUnavailableAt === 0) return picked; // the common case, without reading the clock
    const now = performance.now();
    if (picked.available(now)) return picked;
    // Dubbo's availability check: prefer an endpoint that has not just failed to connect.
    const healthy = candidates.filter((i) => i.available(now));
    return healthy.length > 0 ? balancer.select(healthy, inv) : picked;
  }

  invoke(invoker: Invoker, inv: Invocation, signal?: AbortSignal): Promise<UnaryResponse> {
    const stats = invoker.stats;
    stats.begin();
    const t0 = performance.now();
    const options = signal === undefined ? inv.callOptions : { ...inv.callOptions, signal };
    let p: Promise<UnaryResponse>;
    try {
      p = invoker.transport(inv.spec).unary(inv.wire, inv.message, options);
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (res) => {
        const t1 = performance.now();
        stats.succeed(t1 - t0, t1);
        return res;
      },
      (e: unknown) => {
        stats.fail(isUnreachable(e), performance.now());
        throw e;
      },
    );
  }

  schedule(task: () => void, delayMs: number): void {
    this.a.scheduler.schedule(task, delayMs);
  }

  // ---- the innermost steps ----

  private unaryInner(req: OutgoingRequest): Promise<UnaryResponse> {
    const dir = this.a.directory;
    if (!dir.ready) return this.waitForDiscovery(req).then(() => this.unaryCluster(req));
    return this.unaryCluster(req);
  }

  private unaryCluster(req: OutgoingRequest): Promise<UnaryResponse> {
    const plan = req.plan;
    const call = new Call(plan, req, this.group, this.version, this.a.spec);
    try {
      return plan.cluster.invoke(this, call);
    } catch (e) {
      // A strategy that lists endpoints before its first await throws synchronously; keep it a rejection.
      return Promise.reject(e);
    }
  }

  /** Up to the call's timeout (3 s for a call without one), or `initialWaitMs`. */
  private waitForDiscovery(req: OutgoingRequest): Promise<void> {
    return this.a.directory.whenReady(
      this.a.options.initialWaitMs ?? (req.timeoutMs > 0 ? req.timeoutMs : 3000),
    );
  }

  /**
   * A streaming call: through the cluster strategy when it handles streams (the xDS one does), else on
   * one endpoint, retried (failover only) when the attempt failed before the response started, with a
   * safe error, and no request message had been taken from the caller's iterable yet: once messages
   * flowed, a retry could not replay them.
   */
  private async streamInner(req: OutgoingRequest): Promise<StreamResponse> {
    if (!this.a.directory.ready) await this.waitForDiscovery(req);
    const plan = req.plan;
    const call = new StreamCall(plan, req, this.group, this.version, this.a.spec);
    const cluster = plan.cluster;
    try {
      const res = await (cluster.stream !== undefined
        ? cluster.stream(this, call)
        : this.failoverStream(call));
      call.settle();
      return res;
    } catch (e) {
      call.close();
      throw e;
    }
  }

  private async failoverStream(call: StreamCall): Promise<StreamResponse> {
    const plan = call.plan;
    const attempts = plan.cluster.name === "failover" ? Math.max(1, plan.retries + 1) : 1;
    let invokers = this.list(call);
    let tried: Invoker[] | undefined;
    for (let i = 0; ; i++) {
      const invoker = this.select(invokers, call, tried);
      const stats = invoker.stats;
      stats.begin();
      const t0 = performance.now();
      const requests = call.requests();
      try {
        const res = await invoker.transport(this.a.spec).stream(plan.wire, requests, call.callOptions);
        const t1 = performance.now();
        stats.succeed(t1 - t0, t1);
        return res;
      } catch (e) {
        stats.fail(isUnreachable(e), performance.now());
        requests.abandon();
        if (i + 1 >= attempts || call.committed || call.signal?.aborted || !isRetryable(e, call.idempotent))
          throw e;
        if (tried === undefined) tried = [];
        tried.push(invoker);
        invokers = this.list(call);
      }
    }
  }

  /** The attachments a call starts with; undefined when it has none (the metadata is then made lazily). */
  private requestHeader(options: DubboCallOptions | undefined): Metadata | undefined {
    const tag = options?.tag ?? this.consumerTag;
    if (options?.attachments === undefined && !tag && options?.forceTag !== true) return undefined;
    const md = new Metadata(options?.attachments);
    if (tag) md.set(TAG_KEY, tag);
    if (options?.forceTag === true) md.set(FORCE_TAG_KEY, "true");
    return md;
  }

  private describe(): string {
    let s = this.a.interfaceName;
    if (this.group) s = `${this.group}/${s}`;
    if (this.version) s = `${s}:${this.version}`;
    return s;
  }

  // ---- settings ----

  private resolve(plan: MethodPlan): void {
    const o = this.a.options;
    const d = this.a.defaults;
    const wireName = plan.wire.info.method;
    const m = o.methods?.[plan.localName] ?? o.methods?.[wireName];
    const dyn = this.consumerConfig;
    const dm = dyn.methods[plan.localName] ?? dyn.methods[wireName];
    plan.timeoutMs = dm?.timeout ?? m?.timeout ?? dyn.timeout ?? o.timeout ?? d.timeout ?? DEFAULT_TIMEOUT_MS;
    plan.retries =
      dm?.retries ??
      m?.retries ??
      dyn.retries ??
      o.retries ??
      d.retries ??
      (this.a.proxyMode ? 0 : DEFAULT_RETRIES);
    plan.idempotentResolved = m?.idempotent ?? plan.idempotent;
    plan.forks = o.forks ?? 2;
    const lb =
      dm?.loadbalance ?? m?.loadbalance ?? dyn.loadbalance ?? o.loadbalance ?? d.loadbalance ?? "random";
    plan.balancer =
      typeof lb === "string" ? this.balancer(lb, m?.hash === undefined ? undefined : plan.localName) : lb;
    const cluster = dyn.cluster ?? o.cluster ?? d.cluster ?? (this.a.proxyMode ? "failfast" : "failover");
    plan.cluster = typeof cluster === "string" ? this.cluster(cluster) : cluster;
  }

  private balancer(name: LoadBalanceName, ownHashFor: string | undefined): LoadBalancer {
    const key = ownHashFor === undefined ? name : `${name}#${ownHashFor}`;
    let b = this.balancers.get(key);
    if (b === undefined) {
      const o = this.a.options;
      const hash = ownHashFor === undefined ? o.hash : (o.methods?.[ownHashFor]?.hash ?? o.hash);
      b = createLoadBalancer(name, { random: o.random, hash });
      this.balancers.set(key, b);
    }
    return b;
  }

  private cluster(name: ClusterName): ClusterStrategy {
    let c = this.clusters.get(name);
    if (c === undefined) {
      c = createCluster(name, { failback: this.a.options.failback });
      this.clusters.set(name, c);
    }
    return c;
  }
}

function mergeMetadata(a: Metadata, b: Metadata): Metadata {
  const md = new Metadata(a);
  for (const [k, v] of b) md.append(k, v);
  return md;
}
