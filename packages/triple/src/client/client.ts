import type { DescMessage, DescService, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import { Code } from "../protocol/code.js";
import { RpcError } from "../protocol/rpc-error.js";
import type { CallOptions } from "./call-options.js";
import type { Transport } from "./transport.js";
import { wireMethodOf } from "./wire-method.js";

type In<I extends DescMessage> = MessageInitShape<I>;
type Out<O extends DescMessage> = MessageShape<O>;

export type ClientMethod<M> = M extends {
  methodKind: "unary";
  input: infer I extends DescMessage;
  output: infer O extends DescMessage;
}
  ? (request: In<I>, options?: CallOptions) => Promise<Out<O>>
  : M extends {
        methodKind: "server_streaming";
        input: infer I extends DescMessage;
        output: infer O extends DescMessage;
      }
    ? (request: In<I>, options?: CallOptions) => AsyncIterable<Out<O>>
    : M extends {
          methodKind: "client_streaming";
          input: infer I extends DescMessage;
          output: infer O extends DescMessage;
        }
      ? (requests: AsyncIterable<In<I>>, options?: CallOptions) => Promise<Out<O>>
      : M extends {
            methodKind: "bidi_streaming";
            input: infer I extends DescMessage;
            output: infer O extends DescMessage;
          }
        ? (requests: AsyncIterable<In<I>>, options?: CallOptions) => AsyncIterable<Out<O>>
        : never;

/** A typed client: one function per method of the protoc-gen-es service descriptor. */
export type Client<S extends DescService> = { [K in keyof S["method"]]: ClientMethod<S["method"][K]> };

/** Defaults applied to every call of a client (a call's own options win). */
export type ClientDefaults = Pick<CallOptions, "timeoutMs" | "group" | "version" | "headers">;

export function createClient<S extends DescService>(
  service: S,
  transport: Transport,
  defaults: ClientDefaults = {},
): Client<S> {
  const client: Record<string, unknown> = {};
  const hasDefaults =
    defaults.timeoutMs !== undefined ||
    defaults.group !== undefined ||
    defaults.version !== undefined ||
    defaults.headers !== undefined;
  const merge = (o: CallOptions | undefined): CallOptions => {
    if (!hasDefaults) return o ?? noOptions;
    if (o === undefined) return defaults;
    return { ...defaults, ...o, headers: o.headers ?? defaults.headers };
  };
  for (const m of service.methods) {
    const wm = wireMethodOf(m);
    switch (m.methodKind) {
      case "unary":
        client[m.localName] = (req: unknown, o?: CallOptions) =>
          transport.unary(wm, req, merge(o)).then(messageOf);
        break;
      case "server_streaming":
        client[m.localName] = (req: unknown, o?: CallOptions) =>
          responses(transport.stream(wm, once(req), merge(o)));
        break;
      case "client_streaming":
        client[m.localName] = async (reqs: AsyncIterable<unknown>, o?: CallOptions) => {
          const res = await transport.stream(wm, reqs, merge(o));
          let last: unknown;
          let n = 0;
          for await (const msg of res.message) {
            last = msg;
            n++;
          }
          if (n !== 1)
            throw new RpcError(
              Code.Unimplemented,
              `client streaming call received ${n} responses, expected 1`,
            );
          return last;
        };
        break;
      case "bidi_streaming":
        client[m.localName] = (reqs: AsyncIterable<unknown>, o?: CallOptions) =>
          responses(transport.stream(wm, reqs, merge(o)));
        break;
    }
  }
  return client as Client<S>;
}

/** Shared by every call made without options: transports read call options, never write them. */
const noOptions: CallOptions = Object.freeze({});

function messageOf(response: { message: unknown }): unknown {
  return response.message;
}

async function* once(value: unknown): AsyncIterable<unknown> {
  yield value;
}

async function* responses(res: Promise<{ message: AsyncIterable<unknown> }>): AsyncIterable<unknown> {
  yield* (await res).message;
}
