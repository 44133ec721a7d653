import type { AnyFn, AnyRequest, AnyResponse, Interceptor, Metadata, MethodInfo } from "@dubbo-mesh/triple";
import { RpcError } from "@dubbo-mesh/triple";
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  type SpanOptions,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from "@opentelemetry/api";

// A proxy tracer: it follows whatever TracerProvider the application registers, even later.
const tracer = trace.getTracer("@dubbo-mesh/dubbo", "0.1.0");

const setter: TextMapSetter<Metadata> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

const getter: TextMapGetter<Metadata> = {
  get(carrier, key) {
    return carrier.get(key);
  },
  keys(carrier) {
    return [...carrier.keys()];
  },
};

interface SpanShape {
  readonly name: string;
  readonly client: SpanOptions;
  readonly server: SpanOptions;
}

// Span names and options per method, made once: no string building or option objects per call.
const shapes = new WeakMap<MethodInfo, SpanShape>();

function shapeOf(m: MethodInfo): SpanShape {
  let s = shapes.get(m);
  if (s === undefined) {
    const attributes = { "rpc.system": "dubbo", "rpc.service": m.service, "rpc.method": m.method };
    s = {
      name: `${m.service}/${m.method}`,
      client: { kind: SpanKind.CLIENT, attributes },
      server: { kind: SpanKind.SERVER, attributes },
    };
    shapes.set(m, s);
  }
  return s;
}

/**
 * Without an OpenTelemetry SDK the span is the API's non-recording one and there is no propagator:
 * nothing would be observable, so the call skips the context bookkeeping (a context object per call
 * and a promise wrapper), which is most of what tracing costs.
 */
function inert(span: Span): boolean {
  return !span.isRecording() && propagation.fields().length === 0;
}

function finish(span: Span, p: Promise<AnyResponse>): Promise<AnyResponse> {
  return p.then(
    (res) => {
      span.end();
      return res;
    },
    (e: unknown) => {
      if (e instanceof RpcError) span.setAttribute("rpc.grpc.status_code", e.code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.message : String(e) });
      span.end();
      throw e;
    },
  );
}

/**
 * Consumer side: a CLIENT span under the active context, injected into the request metadata with the
 * registered propagator (W3C `traceparent`/`tracestate` with the usual SDK setup).
 */
export function clientTracing(): Interceptor {
  return (next: AnyFn) => (req: AnyRequest) => {
    const shape = shapeOf(req.method);
    const parent: Context = context.active();
    const span = tracer.startSpan(shape.name, shape.client, parent);
    if (inert(span)) return next(req);
    const ctx = trace.setSpan(parent, span);
    propagation.inject(ctx, req.header, setter);
    return finish(
      span,
      context.with(ctx, () => next(req)),
    );
  };
}

/**
 * Provider side: extracts the caller's context from the request metadata and runs the handler in a
 * SERVER span that is its child, so nested calls the handler makes continue the same trace.
 */
export function serverTracing(): Interceptor {
  return (next: AnyFn) => (req: AnyRequest) => {
    const shape = shapeOf(req.method);
    const parent = propagation.extract(ROOT_CONTEXT, req.header, getter);
    const span = tracer.startSpan(shape.name, shape.server, parent);
    if (inert(span)) return next(req);
    const ctx = trace.setSpan(parent, span);
    return finish(
      span,
      context.with(ctx, () => next(req)),
    );
  };
}
