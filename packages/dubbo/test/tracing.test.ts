import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createApp, type DubboApp, silentLogger } from "@dubbo-mesh/dubbo";
import { context, propagation, SpanKind, trace } from "@opentelemetry/api";
import { GreetService } from "./support/greet.js";
import {
  RecordingTracerProvider,
  TestAsyncContextManager,
  TestW3CPropagator,
} from "./support/otel-doubles.js";
import { stopAll } from "./support/providers.js";

const provider = new RecordingTracerProvider();
const apps: DubboApp[] = [];

before(() => {
  context.setGlobalContextManager(new TestAsyncContextManager());
  propagation.setGlobalPropagator(new TestW3CPropagator());
  trace.setGlobalTracerProvider(provider);
});

after(async () => {
  await stopAll(apps);
  trace.disable();
  propagation.disable();
  context.disable();
});

test("trace context travels consumer -> provider -> nested call: parent/child spans, one trace", async () => {
  // backend: the last hop; front: serves Greet by calling backend.
  const seen: { traceparent?: string; activeSpan?: string }[] = [];
  const backend = createApp({ name: "backend", logger: silentLogger });
  backend.serve(GreetService, {
    greet: (req, ctx) => {
      seen.push({ traceparent: ctx.requestHeader.get("traceparent") });
      return { greeting: `backend: ${req.name}` };
    },
  });
  const backendPort = (await backend.start({ host: "127.0.0.1" })).port;
  const front = createApp({ name: "front", logger: silentLogger });
  const toBackend = front.client(GreetService, { target: `127.0.0.1:${backendPort}` });
  front.serve(GreetService, {
    greet: async (req, ctx) => {
      seen.push({
        traceparent: ctx.requestHeader.get("traceparent"),
        activeSpan: trace.getActiveSpan()?.spanContext().spanId,
      });
      return toBackend.greet({ name: `via front ${req.name}` });
    },
  });
  const frontPort = (await front.start({ host: "127.0.0.1" })).port;
  const consumer = createApp({ name: "shop", logger: silentLogger });
  apps.push(backend, front, consumer);
  const client = consumer.client(GreetService, { target: `127.0.0.1:${frontPort}` });

  const root = trace.getTracer("test").startSpan("checkout");
  const res = await context.with(trace.setSpan(context.active(), root), () => client.greet({ name: "x" }));
  root.end();
  assert.equal(res.greeting, "backend: via front x");

  const spans = provider.spans;
  const rootRec = spans.find((s) => s.name === "checkout")!;
  const byKind = (kind: SpanKind) =>
    spans.filter((s) => s.kind === kind && s.name === "greet.v1.GreetService/Greet");
  const [client1, client2] = byKind(SpanKind.CLIENT);
  const [server1, server2] = byKind(SpanKind.SERVER);
  assert.ok(client1 && client2 && server1 && server2, JSON.stringify(spans, null, 1));
  // One trace end to end.
  for (const s of [client1, client2, server1, server2]) assert.equal(s.traceId, rootRec.traceId);
  // checkout -> CLIENT (shop) -> SERVER (front) -> CLIENT (front) -> SERVER (backend)
  assert.equal(client1.parentSpanId, rootRec.spanId);
  assert.equal(server1.parentSpanId, client1.spanId);
  assert.equal(client2.parentSpanId, server1.spanId);
  assert.equal(server2.parentSpanId, client2.spanId);
  // What travelled on the wire, and what the handler sees as active.
  assert.equal(seen[0].traceparent, `00-${rootRec.traceId}-${client1.spanId}-01`);
  assert.equal(seen[0].activeSpan, server1.spanId);
  assert.equal(seen[1].traceparent, `00-${rootRec.traceId}-${client2.spanId}-01`);
  assert.ok(spans.every((s) => s.ended));
});
