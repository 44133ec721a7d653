import type { HandlerContext, MethodKind, ServerMethod, WireMethod } from "@dubbo-mesh/triple";
import { Code, RpcError } from "@dubbo-mesh/triple";
import type { InterfaceDefinition, InterfaceImpl } from "./interface-definition.js";
import { argumentsSerializer, protobufRejected, resultSerializer } from "./json-arguments.js";

type AnyImplFn = (...args: unknown[]) => unknown;

/** The Java side of a method, as the interface definition declares it (for the Dubbo2 transport). */
export interface JavaSignature {
  readonly parameterTypes: readonly string[] | undefined;
  readonly returnType: string | undefined;
}

/** A WireMethod of an interface method: the JSON serializers plus the declared Java types. */
export interface InterfaceWireMethod extends WireMethod {
  readonly java: JavaSignature;
}

/** The declared Java types of a wire method, if it belongs to an interface definition. */
export function javaSignatureOf(wire: WireMethod): JavaSignature | undefined {
  return "java" in wire ? (wire as InterfaceWireMethod).java : undefined;
}

const wireCache = new WeakMap<InterfaceDefinition, Map<string, InterfaceWireMethod>>();

/** The wire form of every method of an interface, for the client (cached per definition). */
export function interfaceWireMethods(def: InterfaceDefinition): Map<string, InterfaceWireMethod> {
  let map = wireCache.get(def);
  if (map !== undefined) return map;
  map = new Map();
  for (const [name, m] of Object.entries(def.methods)) {
    const where = `${def.name}/${name}`;
    const reject = protobufRejected(where);
    map.set(name, {
      info: { service: def.name, method: name, kind: m.kind as MethodKind },
      path: `/${def.name}/${name}`,
      input: { json: argumentsSerializer(where, m), proto: reject },
      output: { json: resultSerializer(where), proto: reject },
      java: { parameterTypes: m.parameterTypes, returnType: m.returnType },
    });
  }
  wireCache.set(def, map);
  return map;
}

/** The server side: one ServerMethod per interface method, calling `impl` with the arguments spread. */
export function interfaceServerMethods<D extends InterfaceDefinition>(
  def: D,
  impl: InterfaceImpl<D>,
  group: string,
  version: string,
): ServerMethod[] {
  const table = impl as Record<string, AnyImplFn | undefined>;
  const wires = interfaceWireMethods(def);
  const out: ServerMethod[] = [];
  for (const name of Object.keys(def.methods)) {
    const wire = wires.get(name)!;
    const fn = table[name];
    const handler =
      fn === undefined
        ? () => {
            throw new RpcError(Code.Unimplemented, `${def.name}/${name} is not implemented`);
          }
        : (args: unknown, ctx: HandlerContext) => fn.apply(impl, [...(args as unknown[]), ctx]);
    out.push({ info: wire.info, input: wire.input, output: wire.output, handler, group, version });
  }
  return out;
}
