// Test doubles for OpenTelemetry: @opentelemetry/sdk-trace-base is not installed in this workspace,
// so the test brings the three pieces an SDK would register: a context manager (AsyncLocalStorage),
// a W3C trace-context propagator and a tracer provider that records spans with their parents.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import {
  type Context,
  type ContextManager,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  type SpanKind,
  type SpanOptions,
  type SpanStatus,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";

/** Test double: the context manager @opentelemetry/context-async-hooks would provide. */
export class TestAsyncContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args));
  }
  bind<T>(_context: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

/** Test double: W3C `traceparent` (version 00), as @opentelemetry/core's W3CTraceContextPropagator. */
export class TestW3CPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = trace.getSpanContext(context);
    if (sc === undefined) return;
    setter.set(carrier, "traceparent", `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`);
  }
  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = getter.get(carrier, "traceparent");
    const value = Array.isArray(raw) ? raw[0] : raw;
    const m = value === undefined ? null : /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value);
    if (m === null) return context;
    return trace.setSpanContext(context, {
      traceId: m[1],
      spanId: m[2],
      traceFlags: Number.parseInt(m[3], 16),
      isRemote: true,
    });
  }
  fields(): string[] {
    return ["traceparent"];
  }
}

export interface RecordedSpan {
  name: string;
  kind: SpanKind | undefined;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  ended: boolean;
  status: SpanStatus | undefined;
}

class RecordingSpan implements Span {
  constructor(
    private readonly context: SpanContext,
    readonly record: RecordedSpan,
  ) {}
  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(): this {
    return this;
  }
  setAttributes(): this {
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.record.status = status;
    return this;
  }
  updateName(name: string): this {
    this.record.name = name;
    return this;
  }
  end(): void {
    this.record.ended = true;
  }
  isRecording(): boolean {
    return !this.record.ended;
  }
  recordException(): void {}
}

/** Test double: a tracer provider that keeps every span with its parent. */
export class RecordingTracerProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];
  getTracer(): Tracer {
    const spans = this.spans;
    const startSpan = (name: string, options: SpanOptions = {}, ctx?: Context): Span => {
      const parent = ctx === undefined ? undefined : trace.getSpanContext(ctx);
      const traceId = parent?.traceId ?? randomBytes(16).toString("hex");
      const spanId = randomBytes(8).toString("hex");
      const record: RecordedSpan = {
        name,
        kind: options.kind,
        traceId,
        spanId,
        parentSpanId: parent?.spanId,
        ended: false,
        status: undefined,
      };
      spans.push(record);
      return new RecordingSpan({ traceId, spanId, traceFlags: 1 }, record);
    };
    return {
      startSpan,
      startActiveSpan: (() => {
        throw new Error("not needed by the SDK");
      }) as Tracer["startActiveSpan"],
    };
  }
}
