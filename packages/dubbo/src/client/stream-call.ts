import type { AttemptRequests, StreamInvocation } from "../cluster/cluster-strategy.js";
import type { TransportSpec } from "../transport/transport-pool.js";
import { Call } from "./call.js";
import type { MethodPlan } from "./method-plan.js";
import type { OutgoingRequest } from "./outgoing-request.js";
import { isReplayable } from "./replayable.js";

const DONE: IteratorResult<unknown> = { value: undefined, done: true };

interface Waiter {
  readonly view: number;
  readonly resolve: (r: IteratorResult<unknown>) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The caller's request iterable shared by the attempts of one call. One pull at a time; its result
 * goes to the newest attempt's view if that view is waiting for it, and is kept for the next view
 * otherwise (the attempt that asked failed meanwhile), so no message is lost to a dead attempt. Views
 * of earlier attempts get nothing more. Once a message went to an attempt the call is committed.
 */
class RequestSource {
  private iterator: AsyncIterator<unknown> | undefined;
  private pulling = false;
  private waiter: Waiter | undefined;
  /** A pulled result no live attempt asked for yet. */
  private held: { readonly ok: boolean; readonly value: unknown } | undefined;
  /** The view that may read: the newest one, 0 while none does (between attempts, after the end). */
  private owner = 0;
  private views = 0;
  /** An attempt's response started: its view may end the caller's iterator. */
  private settled = false;
  committed = false;

  constructor(private readonly input: AsyncIterable<unknown>) {}

  view(): AttemptRequests {
    const id = ++this.views;
    this.owner = id;
    this.dropWaiter();
    return {
      [Symbol.asyncIterator]: () => ({
        next: () => this.next(id),
        return: () => this.stop(id),
      }),
      abandon: () => {
        if (this.owner !== id) return;
        this.owner = 0;
        this.dropWaiter();
      },
    };
  }

  /** The call is over without a response: end the caller's iterator (its `finally` runs). */
  close(): void {
    this.owner = 0;
    this.dropWaiter();
    this.endInput();
  }

  settle(): void {
    this.settled = true;
  }

  private next(id: number): Promise<IteratorResult<unknown>> {
    if (id !== this.owner) return Promise.resolve(DONE);
    const held = this.held;
    if (held !== undefined) {
      this.held = undefined;
      if (!held.ok) return Promise.reject(held.value);
      const r = held.value as IteratorResult<unknown>;
      if (r.done !== true) this.committed = true;
      return Promise.resolve(r);
    }
    return new Promise((resolve, reject) => {
      this.dropWaiter();
      this.waiter = { view: id, resolve, reject };
      if (!this.pulling) this.pull();
    });
  }

  private pull(): void {
    this.pulling = true;
    let p: Promise<IteratorResult<unknown>>;
    try {
      this.iterator ??= this.input[Symbol.asyncIterator]();
      p = this.iterator.next();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (r) => this.deliver(true, r),
      (e: unknown) => this.deliver(false, e),
    );
  }

  private deliver(ok: boolean, value: unknown): void {
    this.pulling = false;
    const w = this.waiter;
    if (w === undefined || w.view !== this.owner) {
      this.held = { ok, value };
      return;
    }
    this.waiter = undefined;
    if (!ok) return w.reject(value);
    const r = value as IteratorResult<unknown>;
    if (r.done !== true) this.committed = true;
    w.resolve(r);
  }

  /** A waiting view that may no longer read ends its loop. */
  private dropWaiter(): void {
    const w = this.waiter;
    if (w === undefined || w.view === this.owner) return;
    this.waiter = undefined;
    w.resolve(DONE);
  }

  /** An attempt stopped reading: only the attempt that got the response may end the caller's iterator. */
  private stop(id: number): Promise<IteratorResult<unknown>> {
    if (id === this.owner && this.settled) this.endInput();
    return Promise.resolve(DONE);
  }

  private endInput(): void {
    const it = this.iterator;
    this.iterator = undefined;
    if (it?.return === undefined) return;
    try {
      it.return().catch(() => {});
    } catch {
      // an iterator that throws from return(): nothing more to do
    }
  }
}

const noAbandon = (): void => {};

/** The Invocation of one streaming call: a Call whose attempts share the request messages. */
export class StreamCall extends Call implements StreamInvocation {
  private readonly source: RequestSource | undefined;
  private readonly replay: AttemptRequests | undefined;

  constructor(plan: MethodPlan, req: OutgoingRequest, group: string, version: string, spec: TransportSpec) {
    super(plan, req, group, version, spec);
    const input = req.message as AsyncIterable<unknown>;
    if (isReplayable(input)) {
      this.replay = { [Symbol.asyncIterator]: () => input[Symbol.asyncIterator](), abandon: noAbandon };
    } else {
      this.source = new RequestSource(input);
    }
  }

  get committed(): boolean {
    return this.source?.committed ?? false;
  }

  requests(): AttemptRequests {
    return this.replay ?? this.source!.view();
  }

  /** The response started: the attempt that has it owns the request messages to the end. */
  settle(): void {
    this.source?.settle();
  }

  /** The call failed for good: the caller's iterator is ended. */
  close(): void {
    this.source?.close();
  }
}
