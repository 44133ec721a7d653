import type { CallOptions, ContextValues, Metadata, MethodKind, WireMethod } from "@dubbo-mesh/triple";
import type { TransportSpec } from "../transport/transport-pool.js";
import type { Invocation } from "./invocation.js";
import type { MethodPlan } from "./method-plan.js";
import type { OutgoingRequest } from "./outgoing-request.js";

/**
 * The Invocation of one call: the plan's settings frozen for its attempts. It is also the call
 * options each attempt hands the transport (one object per call instead of two).
 */
export class Call implements Invocation, CallOptions {
  readonly service: string;
  readonly method: string;
  readonly localName: string;
  readonly kind: MethodKind;
  readonly retries: number;
  readonly idempotent: boolean;
  readonly forks: number;
  readonly wire: WireMethod;
  readonly message: unknown;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly headers: Metadata | undefined;
  readonly group: string;
  readonly version: string;
  readonly onHeader: ((header: Metadata) => void) | undefined;
  readonly onTrailer: ((trailer: Metadata) => void) | undefined;
  private args: readonly unknown[] | undefined;

  constructor(
    readonly plan: MethodPlan,
    private readonly req: OutgoingRequest,
    group: string,
    version: string,
    readonly spec: TransportSpec,
  ) {
    const info = plan.wire.info;
    this.service = info.service;
    this.method = info.method;
    this.localName = plan.localName;
    this.kind = info.kind;
    this.retries = plan.retries;
    this.idempotent = plan.idempotentResolved;
    this.forks = plan.forks;
    this.wire = plan.wire;
    this.message = req.message;
    this.timeoutMs = req.timeoutMs;
    const o = req.options;
    this.signal = o?.signal;
    this.onHeader = o?.onHeader;
    this.onTrailer = o?.onTrailer;
    this.group = group;
    this.version = version;
    const h = req.headerIfAny;
    this.headers = h !== undefined && h.size > 0 ? h : undefined;
  }

  get attachments(): Metadata {
    return this.req.header;
  }

  attachment(key: string): string | undefined {
    return this.req.headerIfAny?.get(key);
  }

  get contextValues(): ContextValues {
    return this.req.contextValues;
  }

  get callOptions(): CallOptions {
    return this;
  }

  get arguments(): readonly unknown[] {
    this.args ??= this.plan.argumentsOf(this.message);
    return this.args;
  }

  emptyResult(): unknown {
    return this.plan.empty();
  }
}
