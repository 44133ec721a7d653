import { ConsistentHashLoadBalancer } from "./consistent-hash.js";
import { LeastActiveLoadBalancer } from "./least-active.js";
import type { LoadBalanceName, LoadBalancer, LoadBalancerOptions } from "./load-balancer.js";
import { P2CLoadBalancer } from "./p2c.js";
import { RandomLoadBalancer } from "./random.js";
import { RoundRobinLoadBalancer } from "./round-robin.js";
import { ShortestResponseLoadBalancer } from "./shortest-response.js";

const factories: Record<LoadBalanceName, (o: LoadBalancerOptions) => LoadBalancer> = {
  random: (o) => new RandomLoadBalancer(o),
  roundrobin: (o) => new RoundRobinLoadBalancer(o),
  leastactive: (o) => new LeastActiveLoadBalancer(o),
  shortestresponse: (o) => new ShortestResponseLoadBalancer(o),
  consistenthash: (o) => new ConsistentHashLoadBalancer(o),
  p2c: (o) => new P2CLoadBalancer(o),
};

export const loadBalanceNames = Object.keys(factories) as LoadBalanceName[];

export function isLoadBalanceName(name: string): name is LoadBalanceName {
  return Object.hasOwn(factories, name);
}

/** A balancer by its Dubbo name (`random`, `roundrobin`, `leastactive`, `shortestresponse`, `consistenthash`, `p2c`). */
export function createLoadBalancer(name: LoadBalanceName, options: LoadBalancerOptions = {}): LoadBalancer {
  const f = factories[name];
  if (f === undefined) {
    throw new TypeError(`unknown load balancer "${name}"; known: ${loadBalanceNames.join(", ")}`);
  }
  return f(options);
}
