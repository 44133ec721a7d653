import { Code } from "../protocol/code.js";
import { RpcError } from "../protocol/rpc-error.js";
import type { CallOptions } from "./call-options.js";

/**
 * Deadline and cancellation for one client call. `onCancel` tears the wire call down (RST_STREAM or
 * request abort); `fail` is how the call reports the reason. Nothing is allocated when the call has
 * neither a timeout nor a signal.
 */
export class CallLifecycle {
  private timer: NodeJS.Timeout | undefined;
  private signal: AbortSignal | undefined;
  private onAbort: (() => void) | undefined;
  done = false;
  readonly deadline: number;

  /**
   * `onCancel` may be left out by a subclass that overrides `cancelled` instead (the gRPC call does, so
   * that a call costs one object and no closure).
   */
  constructor(
    options: CallOptions,
    private readonly onCancel?: (reason: RpcError) => void,
  ) {
    const t = options.timeoutMs;
    this.deadline = t !== undefined && t > 0 ? Date.now() + t : 0;
    if (this.deadline !== 0) {
      this.timer = setTimeout(
        () => this.cancel(new RpcError(Code.DeadlineExceeded, `deadline of ${t} ms exceeded`)),
        t,
      );
    }
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        // Report on the next tick, after the caller attached its handlers.
        queueMicrotask(() => this.cancel(abortError(signal)));
      } else {
        this.signal = signal;
        this.onAbort = () => this.cancel(abortError(signal));
        signal.addEventListener("abort", this.onAbort, { once: true });
      }
    }
  }

  /** Milliseconds left, or undefined without a deadline. */
  remainingMs(): number | undefined {
    return this.deadline === 0 ? undefined : Math.max(0, this.deadline - Date.now());
  }

  cancel(reason: RpcError): void {
    if (this.done) return;
    this.finish();
    this.cancelled(reason);
  }

  /** Tears the wire call down and reports `reason`; called once, after `finish`. */
  protected cancelled(reason: RpcError): void {
    this.onCancel?.(reason);
  }

  finish(): void {
    this.done = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.onAbort !== undefined) this.signal?.removeEventListener("abort", this.onAbort);
  }
}

function abortError(signal: AbortSignal): RpcError {
  const r: unknown = signal.reason;
  if (r instanceof RpcError) return r;
  return new RpcError(Code.Canceled, r instanceof Error ? `call cancelled: ${r.message}` : "call cancelled");
}
