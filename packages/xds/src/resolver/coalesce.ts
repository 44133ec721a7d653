// Changes arrive in bursts (one ADS response updates several resources; cached values replay as
// microtasks): a watcher that assembles them settles the burst into one publish, after it.

/** Returns `schedule()`: runs `publish` once in a microtask however often it is called before then. */
export function coalesced(publish: () => void, isClosed: () => boolean): () => void {
  let scheduled = false;
  return () => {
    if (scheduled || isClosed()) return;
    scheduled = true;
    queueMicrotask(() => {
      scheduled = false;
      if (!isClosed()) publish();
    });
  };
}
