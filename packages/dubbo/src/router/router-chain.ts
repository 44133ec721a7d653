import type { Invocation } from "../client/invocation.js";
import type { Invoker } from "../directory/invoker.js";
import type { Router } from "./router.js";

/** Applies routers in order; stops early when nothing is left. */
export class RouterChain {
  constructor(private readonly routers: readonly Router[]) {}

  route(invokers: readonly Invoker[], invocation: Invocation): readonly Invoker[] {
    let list = invokers;
    for (let i = 0; i < this.routers.length && list.length > 0; i++) {
      list = this.routers[i].route(list, invocation);
    }
    return list;
  }
}
