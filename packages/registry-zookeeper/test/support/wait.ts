import type { Endpoint, WatchUpdate } from "@dubbo-mesh/dubbo";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Records every list a discovery listener is given. */
export class Recorder<T = readonly Endpoint[]> {
  readonly calls: T[] = [];
  /** The second argument of each call (a discovery's WatchUpdate), if any. */
  readonly updates: Array<WatchUpdate | undefined> = [];
  readonly listener = (value: T, update?: WatchUpdate): void => {
    this.calls.push(value);
    this.updates.push(update);
  };

  get lastUpdate(): WatchUpdate | undefined {
    return this.updates[this.updates.length - 1];
  }

  get last(): T | undefined {
    return this.calls[this.calls.length - 1];
  }

  /** Waits until the latest call satisfies `predicate` and returns it. */
  until(what: string, predicate: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
    // Boxed, since the awaited value itself may be undefined (a deleted rule).
    return waitFor(
      what,
      () => {
        if (this.calls.length === 0) return undefined;
        const last = this.calls[this.calls.length - 1] as T;
        return predicate(last) ? { value: last } : undefined;
      },
      timeoutMs,
    ).then(
      (box) => box.value,
      (error: unknown) => {
        const last = this.calls.length === 0 ? "no call yet" : JSON.stringify([this.last, this.lastUpdate]);
        throw new Error(`${error instanceof Error ? error.message : String(error)}; last call: ${last}`);
      },
    );
  }
}

/** "host:port" of each endpoint, sorted: the short form most assertions need. */
export function addresses(endpoints: readonly Endpoint[] | undefined): string[] {
  return (endpoints ?? []).map((e) => `${e.host}:${e.port}`).sort();
}
