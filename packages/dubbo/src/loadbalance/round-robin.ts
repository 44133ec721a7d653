import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { LoadBalancer, LoadBalancerOptions } from "./load-balancer.js";
import { effectiveWeight } from "./warmup.js";

/** Entries not touched for this long are dropped (Dubbo's `RECYCLE_PERIOD`). */
const RECYCLE_MS = 60_000;

class WeightedCounter {
  current = 0;
  lastUpdate = 0;
  constructor(public weight: number) {}
}

/** The counters of one service method, and the last endpoint list they were lined up with. */
class MethodState {
  readonly byInvoker = new Map<Invoker, WeightedCounter>();
  list: readonly Invoker[] | undefined;
  aligned: WeightedCounter[] = [];
}

/**
 * Dubbo's RoundRobinLoadBalance, the smooth weighted round robin of nginx: every pick adds each
 * endpoint's weight to its counter, takes the largest counter (the first one on ties) and subtracts
 * the total weight from it. Weights 5, 1, 1 give A A B A C A A, spread out instead of A A A A A B C.
 * State is kept per service and method, as Dubbo keys it.
 *
 * The endpoint list is usually the same array from call to call (the directory's snapshot), so the
 * counters are kept lined up with it in an array; the map is only consulted when the list changes.
 */
export class RoundRobinLoadBalancer implements LoadBalancer {
  readonly name = "roundrobin";
  /** service -> method -> state: two lookups, and no key string built on every pick. */
  private readonly state = new Map<string, Map<string, MethodState>>();
  private readonly now: () => number;

  constructor(options: LoadBalancerOptions = {}) {
    this.now = options.now ?? Date.now;
  }

  select(invokers: readonly Invoker[], invocation: Invocation): Invoker {
    let methods = this.state.get(invocation.service);
    if (methods === undefined) {
      methods = new Map();
      this.state.set(invocation.service, methods);
    }
    let st = methods.get(invocation.method);
    if (st === undefined) {
      st = new MethodState();
      methods.set(invocation.method, st);
    }
    const now = this.now();
    if (st.list !== invokers) this.align(st, invokers, now);
    const counters = st.aligned;
    let total = 0;
    let max = Number.NEGATIVE_INFINITY;
    let selected = -1;
    for (let i = 0; i < invokers.length; i++) {
      const weight = effectiveWeight(invokers[i], now);
      const c = counters[i];
      if (c.weight !== weight) {
        // Dubbo resets the counter when the weight changes (warm-up, dynamic configuration).
        c.weight = weight;
        c.current = 0;
      }
      c.current += weight;
      if (c.current > max) {
        max = c.current;
        selected = i;
      }
      total += weight;
    }
    if (selected < 0) return invokers[0];
    counters[selected].current -= total;
    return invokers[selected];
  }

  private align(st: MethodState, invokers: readonly Invoker[], now: number): void {
    // Stamp the counters of the endpoints leaving use, then drop the ones idle for long (Dubbo recycles
    // counters of endpoints not seen for a minute, so a short flap keeps its place in the rotation).
    for (const c of st.aligned) c.lastUpdate = now;
    const aligned: WeightedCounter[] = [];
    for (const inv of invokers) {
      let c = st.byInvoker.get(inv);
      if (c === undefined) {
        c = new WeightedCounter(effectiveWeight(inv, now));
        st.byInvoker.set(inv, c);
      }
      c.lastUpdate = now;
      aligned.push(c);
    }
    if (st.byInvoker.size > invokers.length) {
      for (const [inv, c] of st.byInvoker) if (now - c.lastUpdate > RECYCLE_MS) st.byInvoker.delete(inv);
    }
    st.list = invokers;
    st.aligned = aligned;
  }
}
