import { type ContextValues, Metadata, type MethodInfo } from "@dubbo-mesh/triple";
import type { DubboCallOptions } from "./call-options.js";
import type { MethodPlan } from "./method-plan.js";

/**
 * The request client interceptors see (the Triple interceptor shape), carrying the plan and the call's
 * options to the innermost step. Metadata, context values and the abort signal are made only when
 * someone asks for them: most calls have no attachments, and their interceptors never look.
 */
export class OutgoingRequest {
  private headerValue: Metadata | undefined;
  private contextValue: ContextValues | undefined;
  private signalValue: AbortSignal | undefined;
  readonly method: MethodInfo;

  constructor(
    readonly stream: boolean,
    readonly plan: MethodPlan,
    header: Metadata | undefined,
    readonly message: unknown,
    readonly timeoutMs: number,
    readonly options: DubboCallOptions | undefined,
  ) {
    this.method = plan.wire.info;
    this.headerValue = header;
    this.signalValue = options?.signal;
  }

  get header(): Metadata {
    this.headerValue ??= new Metadata();
    return this.headerValue;
  }

  /** The metadata if anything made it, without making it. */
  get headerIfAny(): Metadata | undefined {
    return this.headerValue;
  }

  get contextValues(): ContextValues {
    this.contextValue ??= this.options?.contextValues ?? new Map();
    return this.contextValue;
  }

  get signal(): AbortSignal {
    this.signalValue ??= new AbortController().signal;
    return this.signalValue;
  }
}
