import {
  create,
  type DescMessage,
  type DescService,
  type MessageInitShape,
  type MessageShape,
} from "@bufbuild/protobuf";
import { Code, RpcError, wireMethodOf } from "@dubbo-mesh/triple";
import type { DubboCallOptions } from "./call-options.js";
import type { MethodSource } from "./method-plan.js";
import { replayable } from "./replayable.js";
import type { ServiceReference } from "./service-reference.js";

type In<I extends DescMessage> = MessageInitShape<I>;
type Out<O extends DescMessage> = MessageShape<O>;

export type DubboClientMethod<M> = M extends {
  methodKind: "unary";
  input: infer I extends DescMessage;
  output: infer O extends DescMessage;
}
  ? (request: In<I>, options?: DubboCallOptions) => Promise<Out<O>>
  : M extends {
        methodKind: "server_streaming";
        input: infer I extends DescMessage;
        output: infer O extends DescMessage;
      }
    ? (request: In<I>, options?: DubboCallOptions) => AsyncIterable<Out<O>>
    : M extends {
          methodKind: "client_streaming";
          input: infer I extends DescMessage;
          output: infer O extends DescMessage;
        }
      ? (requests: AsyncIterable<In<I>>, options?: DubboCallOptions) => Promise<Out<O>>
      : M extends {
            methodKind: "bidi_streaming";
            input: infer I extends DescMessage;
            output: infer O extends DescMessage;
          }
        ? (requests: AsyncIterable<In<I>>, options?: DubboCallOptions) => AsyncIterable<Out<O>>
        : never;

/** A typed client of a protobuf service: one function per method, plus `$with(options)`. */
export type DubboClient<S extends DescService> = {
  [K in keyof S["method"]]: DubboClientMethod<S["method"][K]>;
} & {
  /** The same client with these options applied to every call (a call's own options still win). */
  $with(options: DubboCallOptions): DubboClient<S>;
};

/** How the consumer describes the methods of a protobuf service. */
export function protobufMethodSources(service: DescService): MethodSource[] {
  return service.methods.map((m) => ({
    localName: m.localName,
    wire: wireMethodOf(m),
    // MethodOptions.IdempotencyLevel: 1 NO_SIDE_EFFECTS, 2 IDEMPOTENT.
    idempotent: (m.idempotency as number) !== 0,
    empty: () => create(m.output),
    argumentsOf: (message) => [message],
  }));
}

export function mergeOptions(
  base: DubboCallOptions | undefined,
  call: DubboCallOptions | undefined,
): DubboCallOptions | undefined {
  if (base === undefined) return call;
  if (call === undefined) return base;
  return { ...base, ...call };
}

export function buildProtobufClient<S extends DescService>(
  service: S,
  ref: ServiceReference,
  bound?: DubboCallOptions,
): DubboClient<S> {
  const client: Record<string, unknown> = {
    $with: (o: DubboCallOptions) => buildProtobufClient(service, ref, mergeOptions(bound, o)),
  };
  for (const m of service.methods) {
    const plan = ref.plan(m.localName);
    switch (m.methodKind) {
      case "unary":
        client[m.localName] = (req: unknown, o?: DubboCallOptions) =>
          ref.unary(plan, req, mergeOptions(bound, o));
        break;
      case "server_streaming":
        client[m.localName] = (req: unknown, o?: DubboCallOptions) =>
          responses(ref.stream(plan, replayable(req), mergeOptions(bound, o)));
        break;
      case "client_streaming":
        client[m.localName] = async (reqs: AsyncIterable<unknown>, o?: DubboCallOptions) =>
          single(await ref.stream(plan, reqs, mergeOptions(bound, o)));
        break;
      case "bidi_streaming":
        client[m.localName] = (reqs: AsyncIterable<unknown>, o?: DubboCallOptions) =>
          responses(ref.stream(plan, reqs, mergeOptions(bound, o)));
        break;
    }
  }
  return client as DubboClient<S>;
}

export async function* responses(res: Promise<{ message: AsyncIterable<unknown> }>): AsyncIterable<unknown> {
  yield* (await res).message;
}

async function single(res: { message: AsyncIterable<unknown> }): Promise<unknown> {
  let last: unknown;
  let n = 0;
  for await (const m of res.message) {
    last = m;
    n++;
  }
  if (n !== 1)
    throw new RpcError(Code.Unimplemented, `client streaming call received ${n} responses, expected 1`);
  return last;
}
