import { gunzipSync, gzipSync } from "node:zlib";
import { Code } from "./code.js";
import { RpcError } from "./rpc-error.js";

/** Encodings we speak; `identity` is implicit. Advertised in `grpc-accept-encoding` / `accept-encoding`. */
export const supportedEncodings = ["gzip"] as const;
export type Encoding = "identity" | (typeof supportedEncodings)[number];
export const acceptEncodingValue = "gzip";

export function isSupportedEncoding(name: string): name is Encoding {
  return name === "identity" || name === "gzip";
}

export function compress(encoding: Encoding, data: Uint8Array): Uint8Array {
  return encoding === "gzip" ? gzipSync(data) : data;
}

/**
 * Decompresses with an output cap, so a small compressed message cannot expand past the receive limit
 * (a "zip bomb"); exceeding it is RESOURCE_EXHAUSTED as gRPC specifies, corrupt data is INTERNAL.
 */
export function decompress(encoding: Encoding, data: Uint8Array, maxBytes: number): Buffer {
  if (encoding === "identity") return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  try {
    return gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (e) {
    if (
      (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" ||
      (e as RangeError).name === "RangeError"
    ) {
      throw new RpcError(
        Code.ResourceExhausted,
        `decompressed message exceeds the receive limit of ${maxBytes} bytes`,
      );
    }
    throw new RpcError(Code.Internal, `invalid ${encoding} data: ${(e as Error).message}`);
  }
}

/** Picks gzip if the peer's accept list names it. */
export function negotiateEncoding(accept: string | undefined): Encoding {
  if (accept === undefined) return "identity";
  for (const part of accept.split(",")) if (part.trim() === "gzip") return "gzip";
  return "identity";
}
