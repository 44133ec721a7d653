import type { DubboCallOptions } from "../client/call-options.js";
import type { MethodSource } from "../client/method-plan.js";
import { replayable } from "../client/replayable.js";
import type { ServiceReference } from "../client/service-reference.js";
import { mergeOptions, responses } from "../client/typed-client.js";
import type { InterfaceClientMethods, InterfaceDefinition } from "./interface-definition.js";
import { interfaceWireMethods } from "./interface-methods.js";

/** A typed client of an interface service; per-call options go through `$with(options)`. */
export type InterfaceClient<D extends InterfaceDefinition> = InterfaceClientMethods<D> & {
  $with(options: DubboCallOptions): InterfaceClient<D>;
};

export function interfaceMethodSources(def: InterfaceDefinition): MethodSource[] {
  const wires = interfaceWireMethods(def);
  return Object.entries(def.methods).map(([name, m]) => ({
    localName: name,
    wire: wires.get(name)!,
    idempotent: m.idempotent === true,
    empty: () => undefined,
    argumentsOf: (message) => message as readonly unknown[],
  }));
}

export function buildInterfaceClient<D extends InterfaceDefinition>(
  def: D,
  ref: ServiceReference,
  bound?: DubboCallOptions,
): InterfaceClient<D> {
  const client: Record<string, unknown> = {
    $with: (o: DubboCallOptions) => buildInterfaceClient(def, ref, mergeOptions(bound, o)),
  };
  for (const [name, m] of Object.entries(def.methods)) {
    const plan = ref.plan(name);
    client[name] =
      m.kind === "server_streaming"
        ? (...args: unknown[]) => responses(ref.stream(plan, replayable(args), bound))
        : (...args: unknown[]) => ref.unary(plan, args, bound);
  }
  return client as InterfaceClient<D>;
}
