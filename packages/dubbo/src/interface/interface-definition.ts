import type { HandlerContext } from "@dubbo-mesh/triple";

export type InterfaceMethodKind = "unary" | "server_streaming";

/**
 * One method of an IDL-less interface. `A` is the argument tuple and `R` the result: they exist for
 * the type checker only (the phantom `types` field is never set).
 */
export interface InterfaceMethod<
  A extends readonly unknown[] = readonly unknown[],
  R = unknown,
  K extends InterfaceMethodKind = InterfaceMethodKind,
> {
  readonly kind: K;
  /** Parameter names: lets a server accept a JSON object keyed by name, as Dubbo 3.3 does. */
  readonly params?: readonly string[];
  /** Safe to run twice: failover may then retry it after timeouts and server errors. */
  readonly idempotent?: boolean;
  /** Java parameter types (`java.lang.String`, `int`, `org.x.User`): needed to call it over `dubbo`. */
  readonly parameterTypes?: readonly string[];
  /** Java return class: lets a `dubbo` provider send a plain object as that class. */
  readonly returnType?: string;
  readonly types?: { readonly args: A; readonly result: R };
}

export type InterfaceMethods = Record<
  string,
  InterfaceMethod<readonly unknown[], unknown, InterfaceMethodKind>
>;

/** A Java-style interface (`org.apache.dubbo.demo.DemoService`) served and called without an IDL. */
export interface InterfaceDefinition<M extends InterfaceMethods = InterfaceMethods> {
  readonly kind: "interface";
  /** The interface name: the service name on the wire and in registries. */
  readonly name: string;
  readonly methods: M;
}

export interface MethodOptions<A extends readonly unknown[] = readonly unknown[]> {
  params?: readonly string[];
  idempotent?: boolean;
  /**
   * The Java method's parameter types, one per argument, as in Java source or `Class.getName()`:
   * Dubbo2 (`protocol: "dubbo"`) sends them with each call and Java picks the method by them.
   */
  parameterTypes?: { readonly [K in keyof A]: string };
  /** The Java return class (`org.x.User`): a `dubbo` provider sends plain objects as that class. */
  returnType?: string;
}

/** A request-response method: `sayHello: unary<[name: string], string>()`. */
export function unary<A extends readonly unknown[], R>(
  options: MethodOptions<A> = {},
): InterfaceMethod<A, R, "unary"> {
  return { kind: "unary", ...options };
}

/** A method that answers with a stream of results (gRPC framing only). */
export function serverStream<A extends readonly unknown[], R>(
  options: MethodOptions<A> = {},
): InterfaceMethod<A, R, "server_streaming"> {
  return { kind: "server_streaming", ...options };
}

/**
 * Describes an interface service by its Java name and methods; the method keys are the wire names
 * (Java method names, e.g. `sayHello`).
 *
 * ```ts
 * const DemoService = defineInterface("org.apache.dubbo.demo.DemoService", {
 *   sayHello: unary<[name: string], string>({ params: ["name"] }),
 * });
 * ```
 */
export function defineInterface<const M extends InterfaceMethods>(
  name: string,
  methods: M,
): InterfaceDefinition<M> {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name)) {
    throw new TypeError(
      `invalid interface name "${name}": expected a dotted name like org.apache.dubbo.demo.DemoService`,
    );
  }
  for (const m of Object.keys(methods)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(m)) throw new TypeError(`invalid method name "${m}" in ${name}`);
  }
  return { kind: "interface", name, methods };
}

type ArgsOf<M> = M extends InterfaceMethod<infer A, unknown, InterfaceMethodKind> ? A : never;
type ResultOf<M> = M extends InterfaceMethod<readonly unknown[], infer R, InterfaceMethodKind> ? R : never;

/** The implementation a provider passes to `serveInterface`: each method gets its arguments, then the call context. */
export type InterfaceImpl<D extends InterfaceDefinition> = {
  [K in keyof D["methods"]]?: D["methods"][K]["kind"] extends "server_streaming"
    ? (...args: [...ArgsOf<D["methods"][K]>, HandlerContext]) => AsyncIterable<ResultOf<D["methods"][K]>>
    : (
        ...args: [...ArgsOf<D["methods"][K]>, HandlerContext]
      ) => ResultOf<D["methods"][K]> | Promise<ResultOf<D["methods"][K]>>;
};

/** The client method shapes (options go through the client's `$with(options)`). */
export type InterfaceClientMethods<D extends InterfaceDefinition> = {
  [K in keyof D["methods"]]: D["methods"][K]["kind"] extends "server_streaming"
    ? (...args: ArgsOf<D["methods"][K]>) => AsyncIterable<ResultOf<D["methods"][K]>>
    : (...args: ArgsOf<D["methods"][K]>) => Promise<ResultOf<D["methods"][K]>>;
};

export function isInterfaceDefinition(x: unknown): x is InterfaceDefinition {
  return typeof x === "object" && x !== null && (x as { kind?: unknown }).kind === "interface";
}
