// The greeter our server runs in the interop tests. It behaves like examples/greeter, plus a few
// request names that make it misbehave on purpose, and it records what it saw so a test can assert on
// the server side of a call (metadata, deadline, cancellation) without timing.
import { Code, type HandlerContext, Metadata, RpcError, type ServiceImpl } from "@dubbo-mesh/triple";
import type { GreetService } from "../../gen/greet/v1/greet_pb.js";
import { errorInfo } from "./status-proto.js";

/** Request names with a special meaning. */
export const names = {
  /** Unary: throws INVALID_ARGUMENT, as examples/greeter does. */
  error: "error",
  /** Unary: throws FAILED_PRECONDITION with a google.rpc.ErrorInfo detail and an error trailer. */
  details: "details",
  /** Unary: waits until the call is aborted (deadline or cancel), then rethrows the reason. */
  sleep: "sleep",
  /** Server stream: yields until the client goes away. */
  endless: "endless",
  /** Server stream: two messages, then FAILED_PRECONDITION in the trailers. */
  midStreamError: "mid-stream-error",
} as const;

/** The detail the "details" call carries, and the message (non-ASCII and `%` on purpose). */
export const detailReason = "QUOTA_EXHAUSTED";
export const detailDomain = "greet.example";
export const detailMessage = "quota of 100% used – über limit";
export const detailBytes = errorInfo(detailReason, detailDomain);

/** Binary metadata the handler sends back: bytes that are not valid UTF-8 and include 0x00. */
export const headerBin = new Uint8Array([0x00, 0xff, 0x10, 0x80, 0x7f]);
export const trailerBin = new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00]);

class Deferred<T> {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  constructor() {
    this.promise = new Promise<T>((r) => {
      this.resolve = r;
    });
  }
}

/** What the handlers saw. `aborted(name)` resolves with the signal's reason once that call is cut short. */
export class HandlerLog {
  readonly requestHeaders: Metadata[] = [];
  /** Milliseconds left (ctx.timeoutMs()) when the "sleep" handler started. */
  readonly sleepTimeouts: (number | undefined)[] = [];
  private readonly aborts = new Map<string, Deferred<unknown>>();

  aborted(name: string): Promise<unknown> {
    return this.slot(name).promise;
  }

  /** Forgets a recorded abort so the next call with that name can be observed afresh. */
  reset(name: string): void {
    this.aborts.delete(name);
  }

  watch(name: string, ctx: HandlerContext): void {
    const signal = ctx.signal;
    const record = () => this.slot(name).resolve(signal.reason);
    if (signal.aborted) record();
    else signal.addEventListener("abort", record, { once: true });
  }

  private slot(name: string): Deferred<unknown> {
    let d = this.aborts.get(name);
    if (d === undefined) {
      d = new Deferred();
      this.aborts.set(name, d);
    }
    return d;
  }
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** Echoes the request's `x-request-id` and `x-trace-bin` and adds a text and a binary trailer. */
function echoMetadata(ctx: HandlerContext): void {
  const id = ctx.requestHeader.get("x-request-id");
  if (id !== undefined) ctx.responseHeader.set("x-echo-request-id", id);
  const trace = ctx.requestHeader.getBinary("x-trace-bin");
  if (trace !== undefined) ctx.responseHeader.set("x-echo-trace-bin", trace);
  ctx.responseHeader.set("x-header-bin", headerBin);
  ctx.responseTrailer.set("x-trailer", "done");
  ctx.responseTrailer.set("x-trailer-bin", trailerBin);
}

export function testGreeter(log: HandlerLog, tag = ""): ServiceImpl<typeof GreetService> {
  const suffix = tag ? ` from ${tag}` : "";
  return {
    async greet(req, ctx) {
      log.requestHeaders.push(ctx.requestHeader);
      switch (req.name) {
        case names.error:
          throw new RpcError(Code.InvalidArgument, "the name must not be 'error'");
        case names.details:
          throw new RpcError(Code.FailedPrecondition, detailMessage, {
            details: [{ type: "google.rpc.ErrorInfo", value: detailBytes }],
            metadata: new Metadata({ "x-error-id": "e-1" }),
          });
        case names.sleep:
          log.sleepTimeouts.push(ctx.timeoutMs());
          log.watch(names.sleep, ctx);
          return untilAborted(ctx.signal);
      }
      echoMetadata(ctx);
      return { greeting: `Hello, ${req.name}${suffix}` };
    },
    async *greetServerStream(req, ctx) {
      log.requestHeaders.push(ctx.requestHeader);
      if (req.name === names.endless) {
        log.watch(names.endless, ctx);
        // Paced so the client's cancel lands while we are still producing.
        for (let i = 1; !ctx.signal.aborted; i++) {
          yield { greeting: `Hello, ${req.name} #${i}` };
          await new Promise((r) => setTimeout(r, 5));
        }
        return;
      }
      echoMetadata(ctx);
      for (let i = 1; i <= 3; i++) {
        if (req.name === names.midStreamError && i === 3) {
          throw new RpcError(Code.FailedPrecondition, "stopped after two");
        }
        yield { greeting: `Hello, ${req.name} #${i}${suffix}` };
      }
    },
    async greetClientStream(reqs, ctx) {
      log.requestHeaders.push(ctx.requestHeader);
      const seen: string[] = [];
      for await (const r of reqs) seen.push(r.name);
      echoMetadata(ctx);
      return { greeting: `Hello, ${seen.join(", ")}${suffix}` };
    },
    async *greetBidiStream(reqs, ctx) {
      log.requestHeaders.push(ctx.requestHeader);
      echoMetadata(ctx);
      for await (const r of reqs) yield { greeting: `Hello, ${r.name}${suffix}` };
    },
  };
}
