import type { AnyFn, Interceptor } from "@dubbo-mesh/triple";

/** `interceptors[0]` outermost, as in connect-es and the Triple transport. */
export function compose(inner: AnyFn, interceptors: readonly Interceptor[]): AnyFn {
  let fn = inner;
  for (let i = interceptors.length - 1; i >= 0; i--) fn = interceptors[i](fn);
  return fn;
}
