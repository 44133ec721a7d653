/**
 * `grpc-message` is percent-encoded UTF-8: bytes outside printable ASCII and '%' itself become %XX
 * (gRPC PROTOCOL-HTTP2). Decoding is lenient: a malformed escape is kept as text.
 */
export function encodeGrpcMessage(message: string): string {
  // Fast path: nothing to escape, which is the common case.
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out +=
      byte < 0x20 || byte > 0x7e || byte === 0x25
        ? `%${byte.toString(16).toUpperCase().padStart(2, "0")}`
        : String.fromCharCode(byte);
  }
  return out;
}

export function decodeGrpcMessage(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
