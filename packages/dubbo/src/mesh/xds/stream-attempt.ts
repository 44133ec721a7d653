// One attempt of a streaming call under the xDS path, from its start to its end: it holds a slot of the
// cluster's circuit breaker until the stream is over (A32 counts a call until it ends, not until its
// response starts) and reports the stream's outcome to outlier detection.
//
// A stream is over when the caller has read it to its end or its error, stops reading it (`return`,
// e.g. a `break` out of `for await`), or when the wire call ended (trailers), the deadline passed or the
// caller cancelled: the last three also cover a caller that holds the stream and never reads on. The
// outcome is the one the caller reads; a stream the caller abandons reports none.
import { Code, type Metadata, RpcError, type StreamResponse } from "@dubbo-mesh/triple";
import type { InFlight } from "./circuit-breakers.js";
import type { EndpointOutlier } from "./outlier-detection.js";

export function codeOf(e: unknown): Code {
  return e instanceof RpcError ? e.code : Code.Unknown;
}

export class StreamAttempt {
  private held = true;
  private reported = false;
  private timer: NodeJS.Timeout | undefined;
  /** The attempt's onTrailer: the wire call ended. Passes the trailers on to the caller's callback. */
  readonly onTrailer: (trailer: Metadata) => void;
  private readonly release = (): void => {
    if (!this.held) return;
    this.held = false;
    this.slot.count--;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.signal?.removeEventListener("abort", this.release);
  };

  constructor(
    private readonly slot: InFlight,
    private readonly outlier: EndpointOutlier | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly timeoutMs: number,
    callerOnTrailer: ((trailer: Metadata) => void) | undefined,
  ) {
    this.onTrailer = (trailer) => {
      this.release();
      callerOnTrailer?.(trailer);
    };
  }

  /** The attempt failed before its response started. */
  failed(e: unknown): void {
    this.report(codeOf(e));
    this.release();
  }

  /** The response started: watch it to its end. */
  started(res: StreamResponse): StreamResponse {
    // Before the response started the transport's own deadline and cancellation settled the attempt.
    if (this.timeoutMs > 0) {
      this.timer = setTimeout(this.release, this.timeoutMs);
      this.timer.unref();
    }
    if (this.signal !== undefined) {
      if (this.signal.aborted) this.release();
      else this.signal.addEventListener("abort", this.release, { once: true });
    }
    return { stream: true, header: res.header, trailer: res.trailer, message: this.watch(res.message) };
  }

  private report(code: Code): void {
    if (this.reported) return;
    this.reported = true;
    this.outlier?.record(code);
  }

  private watch(messages: AsyncIterable<unknown>): AsyncIterable<unknown> {
    return {
      [Symbol.asyncIterator]: () => {
        const it = messages[Symbol.asyncIterator]();
        return {
          next: () =>
            it.next().then(
              (r) => {
                if (r.done === true) {
                  this.report(Code.Ok);
                  this.release();
                }
                return r;
              },
              (e: unknown) => {
                this.failed(e);
                throw e;
              },
            ),
          return: (value?: unknown) => {
            this.reported = true;
            this.release();
            return it.return !== undefined ? it.return(value) : Promise.resolve({ value, done: true });
          },
        };
      },
    };
  }
}
