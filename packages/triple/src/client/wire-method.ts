import type { DescMethod } from "@bufbuild/protobuf";
import { type SerializerPair, serializersFor } from "../codec/serializer.js";
import type { MethodInfo } from "../interceptor/interceptor.js";

/** A method as the client transport calls it: wire names and serializers for both codecs. */
export interface WireMethod {
  readonly info: MethodInfo;
  /** `/<service>/<method>`, computed once. */
  readonly path: string;
  readonly input: SerializerPair<unknown>;
  readonly output: SerializerPair<unknown>;
}

const cache = new WeakMap<DescMethod, WireMethod>();

export function wireMethodOf(method: DescMethod): WireMethod {
  let wm = cache.get(method);
  if (wm === undefined) {
    wm = {
      info: { service: method.parent.typeName, method: method.name, kind: method.methodKind },
      path: `/${method.parent.typeName}/${method.name}`,
      input: serializersFor(method.input) as SerializerPair<unknown>,
      output: serializersFor(method.output) as SerializerPair<unknown>,
    };
    cache.set(method, wm);
  }
  return wm;
}
