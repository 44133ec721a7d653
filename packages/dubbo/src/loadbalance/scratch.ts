/**
 * Reusable per-pick arrays. A pick is synchronous and JavaScript is single-threaded, so one buffer per
 * kind is enough; growing it on demand keeps a pick over 1,000 endpoints free of allocations.
 */
let weights = new Float64Array(64);
let indexes = new Int32Array(64);

export function weightBuffer(n: number): Float64Array {
  if (weights.length < n) weights = new Float64Array(Math.max(n, weights.length * 2));
  return weights;
}

export function indexBuffer(n: number): Int32Array {
  if (indexes.length < n) indexes = new Int32Array(Math.max(n, indexes.length * 2));
  return indexes;
}
