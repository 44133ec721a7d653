/**
 * An AsyncIterable fed by a push source (the request stream) with backpressure: when more than
 * `highWaterMark` messages wait, `onPressure(true)` pauses the source; draining below resumes it.
 */
export class MessageQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private ended = false;
  private error: unknown;
  private waiter: ((r: IteratorResult<T>) => void) | undefined;
  private rejecter: ((e: unknown) => void) | undefined;
  private paused = false;
  private iterating = false;

  constructor(
    private readonly onPressure: (pause: boolean) => void,
    private readonly highWaterMark = 16,
  ) {}

  push(item: T): void {
    if (this.ended) return;
    const w = this.waiter;
    if (w !== undefined) {
      this.waiter = this.rejecter = undefined;
      w({ value: item, done: false });
      return;
    }
    this.items.push(item);
    if (!this.paused && this.items.length >= this.highWaterMark) {
      this.paused = true;
      this.onPressure(true);
    }
  }

  end(): void {
    this.ended = true;
    const w = this.waiter;
    if (w !== undefined && this.items.length === 0) {
      this.waiter = this.rejecter = undefined;
      w({ value: undefined, done: true });
    }
  }

  fail(error: unknown): void {
    if (this.ended && this.error !== undefined) return;
    this.error = error;
    this.ended = true;
    const r = this.rejecter;
    if (r !== undefined) {
      this.waiter = this.rejecter = undefined;
      r(error);
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.iterating) throw new TypeError("a request stream can only be iterated once");
    this.iterating = true;
    return {
      next: () => {
        if (this.items.length > 0) {
          const value = this.items.shift() as T;
          if (this.paused && this.items.length < this.highWaterMark / 2) {
            this.paused = false;
            this.onPressure(false);
          }
          return Promise.resolve({ value, done: false });
        }
        if (this.error !== undefined) return Promise.reject(this.error);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise<IteratorResult<T>>((resolve, reject) => {
          this.waiter = resolve;
          this.rejecter = reject;
        });
      },
      return: () => {
        this.ended = true;
        this.items.length = 0;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}
