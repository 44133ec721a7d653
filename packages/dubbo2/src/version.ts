// Dubbo protocol versions ("2.0.2") and what they imply, as Dubbo Java's common/Version.java computes
// them: "2.0.2" -> 2000200 (two digits per part, a 3-part version times 100).

/** What Dubbo 2.7 and 3.x send as the first value of every request body. */
export const DUBBO_PROTOCOL_VERSION = "2.0.2";

const LOWEST_VERSION_FOR_RESPONSE_ATTACHMENT = 2000200;
const HIGHEST_PROTOCOL_VERSION = 2009900;
/** What Java falls back to for an unparsable version: the pre-2.0 protocol. */
const LEGACY_DUBBO_PROTOCOL_VERSION = 10000;

const cache = new Map<string, number>();

export function intVersion(version: string): number {
  let v = cache.get(version);
  if (v === undefined) {
    v = parseVersion(version);
    if (cache.size < 64) cache.set(version, v);
  }
  return v;
}

function parseVersion(version: string): number {
  const parts = version.split(".");
  let v = 0;
  for (let i = 0; i < parts.length; i++) {
    const digits = /^\d*/.exec(parts[i])?.[0] ?? "";
    if (digits.length > 0) v += Number(digits) * 10 ** ((parts.length - i - 1) * 2);
  }
  if (!Number.isFinite(v) || v > 0x7fffffff) return LEGACY_DUBBO_PROTOCOL_VERSION;
  return parts.length === 3 ? v * 100 : v;
}

/**
 * Whether a response to a request of this protocol version uses the `*_WITH_ATTACHMENTS` forms
 * (Version.isSupportResponseAttachment: 2.0.2 up to 2.0.99).
 */
export function supportsResponseAttachments(version: string | null | undefined): boolean {
  if (version === null || version === undefined || version.length === 0) return false;
  const v = intVersion(version);
  return v >= LOWEST_VERSION_FOR_RESPONSE_ATTACHMENT && v <= HIGHEST_PROTOCOL_VERSION;
}
