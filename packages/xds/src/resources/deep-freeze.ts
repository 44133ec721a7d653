// Validated resources are shared by every call that reads them, so they are frozen: a caller that
// mutates one by mistake gets a TypeError instead of silently changing routing for everybody.

/**
 * Freezes plain objects and arrays recursively. Other objects (RegExp, Uint8Array) are left alone:
 * a frozen global RegExp would throw when String.replace resets its lastIndex.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
