// The cluster strategy of a reference to a mesh host: everything the xDS configuration decides per
// call, in gRPC's order -- route match, cluster pick, fault filter, then attempts: EDS drop policy,
// endpoint pick by the cluster's lb policy (ejected endpoints left out; a priority with every endpoint
// ejected fails over to the next), circuit breaker, the route's retry policy with backoff, all within
// one deadline (the route's max_stream_duration, or the caller's timeout when shorter: the deadline
// covers the retries, as in gRPC). Unary and streaming calls take the same path; a stream is retried
// only before its response started and while no request message was taken from a non-replayable
// iterable (gRPC's committed call), and it holds its circuit-breaker slot until it ends.
import {
  type CallOptions,
  Code,
  RpcError,
  type StreamResponse,
  type UnaryResponse,
} from "@dubbo-mesh/triple";
import type { Invocation } from "../../client/invocation.js";
import type { ClusterContext, ClusterStrategy, StreamInvocation } from "../../cluster/cluster-strategy.js";
import { isUnreachable } from "../../cluster/retry-policy.js";
import type { Invoker } from "../../directory/invoker.js";
import type { TransportTls } from "../../transport/transport-pool.js";
import type { CircuitBreakers, InFlight } from "./circuit-breakers.js";
import type { ClusterBalancers } from "./cluster-balancers.js";
import type { ClusterEndpoints } from "./cluster-endpoints.js";
import { DroppedCall, dropCategory } from "./drop-overloads.js";
import { ActiveFaults, decideFault, type FaultDecision, faultConfigFor } from "./fault-injection.js";
import type { MeshTarget } from "./mesh-target.js";
import type { EndpointOutlier } from "./outlier-detection.js";
import { backoffMs, sleep } from "./retry-backoff.js";
import { callAttributes, type ForwardingAction, pickCluster, selectRoute } from "./route-selection.js";
import { codeOf, StreamAttempt } from "./stream-attempt.js";
import { clusterTransportTls, type UpstreamTransportTls } from "./tls/upstream-transport-tls.js";

export interface XdsClusterStrategyDeps {
  readonly target: MeshTarget;
  readonly balancers: ClusterBalancers;
  readonly breakers: CircuitBreakers;
  readonly random: () => number;
  /** A29: the TLS of clusters with an UpstreamTlsContext (without it such clusters fail UNAVAILABLE). */
  readonly upstreamTls?: UpstreamTransportTls;
}

/** One call's routing decision, fixed for all its attempts (gRPC's config selector runs once per call). */
interface Routed {
  readonly cluster: string;
  readonly action: ForwardingAction;
  /** performance.now() value the call must end by; 0 for none. */
  readonly deadline: number;
  /** What the fault filter decided, when it delays or aborts the call. */
  readonly fault: FaultDecision | undefined;
}

type ReadyCluster = Extract<ClusterEndpoints, { ok: true }>;

function unavailable(message: string): RpcError {
  return new RpcError(Code.Unavailable, message);
}

export class XdsClusterStrategy implements ClusterStrategy {
  readonly name = "xds";
  private readonly faults = new ActiveFaults();
  /** Directory list -> cluster -> its invokers per priority (recomputed when either changes). */
  private members = new WeakMap<readonly Invoker[], Map<ClusterEndpoints, readonly (readonly Invoker[])[]>>();

  constructor(private readonly d: XdsClusterStrategyDeps) {}

  invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    let routed: Routed;
    try {
      routed = this.decide(inv);
    } catch (e) {
      return Promise.reject(e);
    }
    if (routed.fault !== undefined) return this.faulted<UnaryResponse>(ctx, inv, routed, false);
    return this.withRetries<UnaryResponse>(ctx, inv, routed, false);
  }

  stream(ctx: ClusterContext, inv: StreamInvocation): Promise<StreamResponse> {
    let routed: Routed;
    try {
      routed = this.decide(inv);
    } catch (e) {
      return Promise.reject(e);
    }
    if (routed.fault !== undefined) return this.faulted<StreamResponse>(ctx, inv, routed, true);
    return this.withRetries<StreamResponse>(ctx, inv, routed, true);
  }

  /** Route match, cluster pick, deadline and fault decision; throws when the call cannot go anywhere. */
  private decide(inv: Invocation): Routed {
    const state = this.d.target.state;
    if (!state.ok) throw unavailable(`${this.d.target.host}: ${state.reason}`);
    const config = state.config;
    const attrs = callAttributes(inv, this.d.random);
    const route = selectRoute(config.routes, attrs);
    if (route === undefined) throw unavailable(`no route of ${this.d.target.host} matches ${attrs.path}`);
    const action = route.action;
    if (action.kind !== "cluster" && action.kind !== "weighted_clusters") {
      throw unavailable(`route ${route.name} of ${this.d.target.host} has a ${action.kind} action`);
    }
    const choice = pickCluster(action, this.d.random);
    const routeMs = action.maxStreamDurationMs ?? config.maxStreamDurationMs ?? 0;
    const budget = shortest(routeMs, inv.timeoutMs);
    let fault: FaultDecision | undefined;
    const faultConfig = faultConfigFor(config.httpFilters, [
      choice.filterOverrides,
      route.filterOverrides,
      config.virtualHost.filterOverrides,
      config.routeConfiguration.filterOverrides,
    ]);
    if (faultConfig !== undefined) {
      const decision = decideFault(faultConfig, attrs, this.d.random, this.faults);
      if (decision.delayMs > 0 || decision.abort !== undefined) fault = decision;
    }
    return {
      cluster: choice.name,
      action,
      deadline: budget > 0 ? performance.now() + budget : 0,
      fault,
    };
  }

  private async faulted<R>(
    ctx: ClusterContext,
    inv: Invocation,
    routed: Routed,
    stream: boolean,
  ): Promise<R> {
    const decision = routed.fault!;
    this.faults.count++;
    try {
      if (decision.delayMs > 0) {
        const left = routed.deadline === 0 ? Number.POSITIVE_INFINITY : routed.deadline - performance.now();
        await sleep(Math.min(decision.delayMs, left), inv.signal);
        if (decision.delayMs >= left) {
          throw new RpcError(Code.DeadlineExceeded, "deadline exceeded during an injected delay");
        }
      }
      if (decision.abort !== undefined) throw decision.abort;
    } finally {
      this.faults.count--;
    }
    return this.withRetries<R>(ctx, inv, routed, stream);
  }

  private withRetries<R>(ctx: ClusterContext, inv: Invocation, routed: Routed, stream: boolean): Promise<R> {
    const tried: Invoker[] = [];
    let first: Promise<R>;
    try {
      first = this.attempt<R>(ctx, inv, routed, tried, stream);
    } catch (e) {
      first = Promise.reject(e);
    }
    const policy = routed.action.retryPolicy;
    if (policy === undefined || policy.maxAttempts <= 1) return first;
    return first.catch((e: unknown) => this.retry<R>(ctx, inv, routed, tried, e, stream));
  }

  private async retry<R>(
    ctx: ClusterContext,
    inv: Invocation,
    routed: Routed,
    tried: Invoker[],
    error: unknown,
    stream: boolean,
  ): Promise<R> {
    const policy = routed.action.retryPolicy!;
    let last = error;
    for (let n = 1; n < policy.maxAttempts; n++) {
      if (!(last instanceof RpcError) || !policy.retryableStatusCodes.includes(last.code)) break;
      if (last instanceof DroppedCall || inv.signal?.aborted) break;
      if (stream && (inv as StreamInvocation).committed) break;
      await sleep(backoffMs(policy, n, this.d.random), inv.signal);
      if (routed.deadline !== 0 && performance.now() >= routed.deadline) break;
      ctx.logger.debug(
        {
          service: inv.service,
          method: inv.method,
          cluster: routed.cluster,
          attempt: n,
          error: String(last),
        },
        `xds: retrying ${inv.service}/${inv.method} in ${routed.cluster}`,
      );
      try {
        return await this.attempt<R>(ctx, inv, routed, tried, stream);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  /**
   * One attempt: the call's cluster re-read (a retry sees new endpoints), the drop policy on the first
   * attempt only (a dropped call is not retried), endpoint pick, deadline, circuit-breaker slot.
   */
  private attempt<R>(
    ctx: ClusterContext,
    inv: Invocation,
    routed: Routed,
    tried: Invoker[],
    stream: boolean,
  ): Promise<R> {
    const state = this.d.target.state;
    const ce = state.ok ? state.clusters.get(routed.cluster) : undefined;
    if (ce === undefined) throw unavailable(`cluster ${routed.cluster} is gone from ${this.d.target.host}`);
    if (!ce.ok) throw unavailable(ce.reason);
    if (tried.length === 0 && ce.drops.length > 0) {
      const category = dropCategory(ce.drops, this.d.random);
      if (category !== undefined) throw new DroppedCall(ce.name, category);
    }
    const invoker = this.pick(ctx, inv, ce, routed, tried);
    const tls =
      ce.cluster.tls === undefined ? undefined : clusterTransportTls(this.d.upstreamTls, ce.cluster);
    let timeoutMs = 0;
    if (routed.deadline !== 0) {
      timeoutMs = Math.ceil(routed.deadline - performance.now());
      if (timeoutMs <= 0) throw new RpcError(Code.DeadlineExceeded, "deadline exceeded before an attempt");
    }
    const slot = this.d.breakers.tryAcquire(ce.name, ce.cluster.maxRequests);
    if (slot === undefined) {
      throw unavailable(
        `cluster ${ce.name} is at its circuit breaker's max_requests (${ce.cluster.maxRequests})`,
      );
    }
    tried.push(invoker);
    const od = ce.outlier;
    const outlier = od === undefined ? undefined : od.entry(invoker.key);
    if (stream) {
      return this.streamOn(inv as StreamInvocation, invoker, timeoutMs, slot, outlier, tls) as Promise<R>;
    }
    return this.unaryOn(inv, invoker, timeoutMs, slot, outlier, tls) as Promise<R>;
  }

  private unaryOn(
    inv: Invocation,
    invoker: Invoker,
    timeoutMs: number,
    slot: InFlight,
    outlier: EndpointOutlier | undefined,
    tls: TransportTls | undefined,
  ): Promise<UnaryResponse> {
    const stats = invoker.stats;
    stats.begin();
    const t0 = performance.now();
    let p: Promise<UnaryResponse>;
    try {
      p = invoker
        .transport(inv.spec, tls)
        .unary(inv.wire, inv.message, attemptOptions(inv.callOptions, timeoutMs));
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (res) => {
        const t1 = performance.now();
        stats.succeed(t1 - t0, t1);
        slot.count--;
        if (outlier !== undefined) outlier.record(Code.Ok);
        return res;
      },
      (e: unknown) => {
        stats.fail(isUnreachable(e), performance.now());
        slot.count--;
        if (outlier !== undefined) outlier.record(codeOf(e));
        throw e;
      },
    );
  }

  private streamOn(
    inv: StreamInvocation,
    invoker: Invoker,
    timeoutMs: number,
    slot: InFlight,
    outlier: EndpointOutlier | undefined,
    tls: TransportTls | undefined,
  ): Promise<StreamResponse> {
    const stats = invoker.stats;
    const base = inv.callOptions;
    const attempt = new StreamAttempt(slot, outlier, inv.signal, timeoutMs, base.onTrailer);
    const requests = inv.requests();
    stats.begin();
    const t0 = performance.now();
    let p: Promise<StreamResponse>;
    try {
      p = invoker
        .transport(inv.spec, tls)
        .stream(inv.wire, requests, new AttemptOptions(base, timeoutMs, attempt.onTrailer));
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (res) => {
        const t1 = performance.now();
        stats.succeed(t1 - t0, t1);
        return attempt.started(res);
      },
      (e: unknown) => {
        stats.fail(isUnreachable(e), performance.now());
        requests.abandon();
        attempt.failed(e);
        throw e;
      },
    );
  }

  /**
   * The balancer's pick among the cluster's endpoints that outlier detection has not ejected, avoiding
   * ones this call tried already (istiod's `previous_hosts` retry predicate) and ones that just failed
   * to connect, when others exist. The endpoints are those of the first priority with one not ejected.
   */
  private pick(
    ctx: ClusterContext,
    inv: Invocation,
    ce: ReadyCluster,
    routed: Routed,
    tried: readonly Invoker[],
  ): Invoker {
    const priorities = this.membersOf(ctx.list(inv), ce);
    let members = priorities[0];
    const od = ce.outlier;
    if (od !== undefined && od.ejectedCount > 0) members = od.usable(members);
    if (members.length === 0) members = failover(priorities, ce);
    if (members.length === 1) return members[0];
    let candidates = members;
    if (tried.length > 0) {
      const rest = members.filter((m) => !tried.includes(m));
      if (rest.length > 0) candidates = rest;
    }
    const balancer = this.d.balancers.for(ce, routed.action.hashPolicies);
    const picked = balancer.select(candidates, inv);
    if (picked.stats.lastUnavailableAt === 0) return picked;
    const now = performance.now();
    if (picked.available(now)) return picked;
    const healthy = candidates.filter((i) => i.available(now));
    return healthy.length > 0 ? balancer.select(healthy, inv) : picked;
  }

  /** The directory's invokers of the cluster, per priority (recomputed when either changes). */
  private membersOf(all: readonly Invoker[], ce: ReadyCluster): readonly (readonly Invoker[])[] {
    let byCluster = this.members.get(all);
    if (byCluster === undefined) {
      byCluster = new Map();
      this.members = new WeakMap([[all, byCluster]]);
    }
    let lists = byCluster.get(ce);
    if (lists === undefined) {
      lists = ce.priorities.map((keys) => {
        const wanted = new Set(keys);
        return all.filter((i) => wanted.has(i.key));
      });
      byCluster.set(ce, lists);
    }
    return lists;
  }
}

/**
 * The first priority after the preferred one with an endpoint not ejected: gRPC's priority policy
 * moving past children in TRANSIENT_FAILURE (A56), outlier detection being below it (A50). Off the
 * common path: only when the preferred priority has nothing to offer. Throws when no priority has.
 */
function failover(priorities: readonly (readonly Invoker[])[], ce: ReadyCluster): readonly Invoker[] {
  const od = ce.outlier;
  let listed = priorities[0].length > 0;
  for (let p = 1; p < priorities.length; p++) {
    const members = priorities[p];
    if (members.length === 0) continue;
    listed = true;
    const usable = od === undefined ? members : od.usable(members);
    if (usable.length > 0) return usable;
  }
  if (!listed) throw unavailable(`no endpoint of cluster ${ce.name} is left after routing`);
  const where = priorities.length > 1 ? ` (in all ${priorities.length} priorities)` : "";
  throw unavailable(`every endpoint of cluster ${ce.name}${where} is ejected by outlier detection`);
}

/** The smaller of two timeouts where 0 means none. */
function shortest(a: number, b: number): number {
  if (a <= 0) return Math.max(b, 0);
  return b > 0 ? Math.min(a, b) : a;
}

/**
 * The call's options with this attempt's deadline. Without a deadline they are the call's own object;
 * otherwise a view that reads context values only when a transport interceptor asks (reading them
 * makes the map).
 */
function attemptOptions(base: CallOptions, timeoutMs: number): CallOptions {
  if (timeoutMs === (base.timeoutMs ?? 0)) return base;
  return new AttemptOptions(base, timeoutMs);
}

class AttemptOptions implements CallOptions {
  readonly signal: AbortSignal | undefined;
  readonly headers: CallOptions["headers"];
  readonly group: string | undefined;
  readonly version: string | undefined;
  readonly onHeader: CallOptions["onHeader"];
  readonly onTrailer: CallOptions["onTrailer"];

  constructor(
    private readonly base: CallOptions,
    readonly timeoutMs: number,
    onTrailer: CallOptions["onTrailer"] = base.onTrailer,
  ) {
    this.signal = base.signal;
    this.headers = base.headers;
    this.group = base.group;
    this.version = base.version;
    this.onHeader = base.onHeader;
    this.onTrailer = onTrailer;
  }

  get contextValues(): CallOptions["contextValues"] {
    return this.base.contextValues;
  }
}
