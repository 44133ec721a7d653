// A TLS peer's certificate -> the identity RBAC's `authenticated` principal reads (A41): URI SANs,
// DNS SANs, and the subject as RFC 2253 text.
import type { X509Certificate } from "node:crypto";
import type { PeerIdentity } from "./rbac-request.js";

/** The identity of a TLS peer that sent no certificate: only `""` can match its principal name. */
export const ANONYMOUS_TLS_PEER: PeerIdentity = Object.freeze({ uriSans: [], dnsSans: [] });

/**
 * Node prints SANs as `DNS:a, URI:b, IP Address:c`, quoting a value as a JSON string when it holds a
 * comma or a quote. Splits that back into (type, value) pairs.
 */
export function parseSubjectAltNames(text: string): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === " " || text[i] === ",") i++;
    const colon = text.indexOf(":", i);
    if (colon < 0) break;
    const type = text.slice(i, colon);
    i = colon + 1;
    let value: string;
    if (text[i] === '"') {
      // A JSON string: find its closing quote, skipping escaped characters.
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      try {
        value = JSON.parse(text.slice(i, j + 1)) as string;
      } catch {
        value = text.slice(i + 1, j);
      }
      i = j + 1;
    } else {
      const end = text.indexOf(", ", i);
      value = end < 0 ? text.slice(i) : text.slice(i, end);
      i = end < 0 ? text.length : end;
    }
    out.push({ type, value });
  }
  return out;
}

/** RFC 2253 escaping of an attribute value. */
function escapeRdnValue(v: string): string {
  let s = v.replace(/([,+"\\<>;])/g, "\\$1");
  if (s.startsWith("#") || s.startsWith(" ")) s = `\\${s}`;
  if (s.endsWith(" ") && !s.endsWith("\\ ")) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/**
 * Node's `subject` lists one `TYPE=value` per line, most significant first (`C=..` ... `CN=..`);
 * RFC 2253 writes them least significant first, comma-separated.
 */
export function rfc2253Subject(nodeSubject: string): string {
  const rdns = nodeSubject
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const eq = line.indexOf("=");
      if (eq < 0) return line;
      let value = line.slice(eq + 1);
      if (value.startsWith('"')) {
        try {
          value = JSON.parse(value) as string;
        } catch {}
      }
      return `${line.slice(0, eq)}=${escapeRdnValue(value)}`;
    });
  return rdns.reverse().join(",");
}

export function peerIdentityOf(cert: X509Certificate | undefined): PeerIdentity {
  if (cert === undefined) return ANONYMOUS_TLS_PEER;
  const sans = parseSubjectAltNames(cert.subjectAltName ?? "");
  return {
    uriSans: sans.filter((s) => s.type === "URI").map((s) => s.value),
    dnsSans: sans.filter((s) => s.type === "DNS").map((s) => s.value),
    subject: rfc2253Subject(cert.subject),
  };
}
