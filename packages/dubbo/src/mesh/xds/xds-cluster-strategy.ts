// The cluster strategy of a reference to a mesh host: everything the xDS configuration decides per
// call, in gRPC's order -- route match, cluster pick, fault filter, then attempts: endpoint pick by the
// cluster's lb policy, circuit breaker, the route's retry policy with backoff, all within one deadline
// (the route's timeout, or the caller's when shorter: the deadline covers the retries, as in gRPC).
import { type CallOptions, Code, RpcError, type UnaryResponse } from "@dubbo-mesh/triple";
import type { Invocation } from "../../client/invocation.js";
import type { ClusterContext, ClusterStrategy } from "../../cluster/cluster-strategy.js";
import { isUnreachable } from "../../cluster/retry-policy.js";
import type { Invoker } from "../../directory/invoker.js";
import type { CircuitBreakers } from "./circuit-breakers.js";
import type { ClusterBalancers } from "./cluster-balancers.js";
import type { ClusterEndpoints } from "./cluster-endpoints.js";
import { ActiveFaults, decideFault, type FaultDecision, faultConfigFor } from "./fault-injection.js";
import type { MeshTarget } from "./mesh-target.js";
import { backoffMs, sleep } from "./retry-backoff.js";
import { callAttributes, type ForwardingAction, pickCluster, selectRoute } from "./route-selection.js";

export interface XdsClusterStrategyDeps {
  readonly target: MeshTarget;
  readonly balancers: ClusterBalancers;
  readonly breakers: CircuitBreakers;
  readonly random: () => number;
}

/** One call's routing decision, fixed for all its attempts (gRPC's config selector runs once per call). */
interface Routed {
  readonly cluster: string;
  readonly action: ForwardingAction;
  /** performance.now() value the call must end by; 0 for none. */
  readonly deadline: number;
}

function unavailable(message: string): RpcError {
  return new RpcError(Code.Unavailable, message);
}

export class XdsClusterStrategy implements ClusterStrategy {
  readonly name = "xds";
  private readonly faults = new ActiveFaults();
  /** Directory list -> cluster -> its invokers (recomputed when either changes). */
  private members = new WeakMap<readonly Invoker[], Map<ClusterEndpoints, readonly Invoker[]>>();

  constructor(private readonly d: XdsClusterStrategyDeps) {}

  invoke(ctx: ClusterContext, inv: Invocation): Promise<UnaryResponse> {
    const state = this.d.target.state;
    if (!state.ok) return Promise.reject(unavailable(`${this.d.target.host}: ${state.reason}`));
    const config = state.config;
    const attrs = callAttributes(inv, this.d.random);
    const route = selectRoute(config.routes, attrs);
    if (route === undefined) {
      return Promise.reject(unavailable(`no route of ${this.d.target.host} matches ${attrs.path}`));
    }
    const action = route.action;
    if (action.kind !== "cluster" && action.kind !== "weighted_clusters") {
      return Promise.reject(
        unavailable(`route ${route.name} of ${this.d.target.host} has a ${action.kind} action`),
      );
    }
    const choice = pickCluster(action, this.d.random);
    const routeMs = action.maxStreamDurationMs ?? config.maxStreamDurationMs ?? 0;
    const budget = shortest(routeMs, inv.timeoutMs);
    const routed: Routed = {
      cluster: choice.name,
      action,
      deadline: budget > 0 ? performance.now() + budget : 0,
    };
    const fault = faultConfigFor(config.httpFilters, [
      choice.filterOverrides,
      route.filterOverrides,
      config.virtualHost.filterOverrides,
      config.routeConfiguration.filterOverrides,
    ]);
    if (fault !== undefined) {
      const decision = decideFault(fault, attrs, this.d.random, this.faults);
      if (decision.delayMs > 0 || decision.abort !== undefined)
        return this.faulted(ctx, inv, routed, decision);
    }
    return this.withRetries(ctx, inv, routed);
  }

  private async faulted(
    ctx: ClusterContext,
    inv: Invocation,
    routed: Routed,
    decision: FaultDecision,
  ): Promise<UnaryResponse> {
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
    return this.withRetries(ctx, inv, routed);
  }

  private withRetries(ctx: ClusterContext, inv: Invocation, routed: Routed): Promise<UnaryResponse> {
    const tried: Invoker[] = [];
    let first: Promise<UnaryResponse>;
    try {
      first = this.attempt(ctx, inv, routed, tried);
    } catch (e) {
      first = Promise.reject(e);
    }
    const policy = routed.action.retryPolicy;
    if (policy === undefined || policy.maxAttempts <= 1) return first;
    return first.catch((e: unknown) => this.retry(ctx, inv, routed, tried, e));
  }

  private async retry(
    ctx: ClusterContext,
    inv: Invocation,
    routed: Routed,
    tried: Invoker[],
    error: unknown,
  ): Promise<UnaryResponse> {
    const policy = routed.action.retryPolicy!;
    let last = error;
    for (let n = 1; n < policy.maxAttempts; n++) {
      if (!(last instanceof RpcError) || !policy.retryableStatusCodes.includes(last.code)) break;
      if (inv.signal?.aborted) break;
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
        return await this.attempt(ctx, inv, routed, tried);
      } catch (e) {
        last = e;
      }
    }
    throw last;
  }

  /** One attempt: endpoint pick in the call's cluster (re-read, so a retry sees new endpoints). */
  private attempt(
    ctx: ClusterContext,
    inv: Invocation,
    routed: Routed,
    tried: Invoker[],
  ): Promise<UnaryResponse> {
    const state = this.d.target.state;
    const ce = state.ok ? state.clusters.get(routed.cluster) : undefined;
    if (ce === undefined) throw unavailable(`cluster ${routed.cluster} is gone from ${this.d.target.host}`);
    if (!ce.ok) throw unavailable(ce.reason);
    const members = this.membersOf(ctx.list(inv), ce);
    if (members.length === 0) throw unavailable(`no endpoint of cluster ${ce.name} is left after routing`);
    const invoker = this.pick(members, inv, ce, routed, tried);
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
    const stats = invoker.stats;
    stats.begin();
    const t0 = performance.now();
    let p: Promise<UnaryResponse>;
    try {
      p = invoker
        .transport(inv.spec)
        .unary(inv.wire, inv.message, attemptOptions(inv.callOptions, timeoutMs));
    } catch (e) {
      p = Promise.reject(e);
    }
    return p.then(
      (res) => {
        const t1 = performance.now();
        stats.succeed(t1 - t0, t1);
        slot.count--;
        return res;
      },
      (e: unknown) => {
        stats.fail(isUnreachable(e), performance.now());
        slot.count--;
        throw e;
      },
    );
  }

  /**
   * The balancer's pick among the cluster's endpoints, avoiding ones this call tried already
   * (istiod's `previous_hosts` retry predicate) and ones that just failed to connect, when others exist.
   */
  private pick(
    members: readonly Invoker[],
    inv: Invocation,
    ce: Extract<ClusterEndpoints, { ok: true }>,
    routed: Routed,
    tried: readonly Invoker[],
  ): Invoker {
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

  private membersOf(
    all: readonly Invoker[],
    ce: Extract<ClusterEndpoints, { ok: true }>,
  ): readonly Invoker[] {
    let byCluster = this.members.get(all);
    if (byCluster === undefined) {
      byCluster = new Map();
      this.members = new WeakMap([[all, byCluster]]);
    }
    let list = byCluster.get(ce);
    if (list === undefined) {
      const keys = new Set(ce.keys);
      list = all.filter((i) => keys.has(i.key));
      byCluster.set(ce, list);
    }
    return list;
  }
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
  ) {
    this.signal = base.signal;
    this.headers = base.headers;
    this.group = base.group;
    this.version = base.version;
    this.onHeader = base.onHeader;
    this.onTrailer = base.onTrailer;
  }

  get contextValues(): CallOptions["contextValues"] {
    return this.base.contextValues;
  }
}
