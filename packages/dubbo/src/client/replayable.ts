const replayableMark = Symbol("replayable");

/**
 * A server-streaming request is one known message: this iterable starts over on each iteration, so
 * a failed attempt can be repeated on another endpoint.
 */
export function replayable(value: unknown): AsyncIterable<unknown> {
  return {
    [replayableMark]: true,
    async *[Symbol.asyncIterator]() {
      yield value;
    },
  } as AsyncIterable<unknown>;
}

export function isReplayable(x: AsyncIterable<unknown>): boolean {
  return (x as unknown as Record<symbol, unknown>)[replayableMark] === true;
}
