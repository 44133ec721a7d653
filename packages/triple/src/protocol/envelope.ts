import { Code } from "./code.js";
import { RpcError } from "./rpc-error.js";

/** gRPC's Length-Prefixed-Message: 1 flag byte (bit 0 = compressed) + 4-byte big-endian length + bytes. */
export const envelopeHeaderLength = 5;
export const flagCompressed = 0x01;

export function encodeEnvelope(payload: Uint8Array, compressed = false): Buffer {
  const out = Buffer.allocUnsafe(envelopeHeaderLength + payload.byteLength);
  out[0] = compressed ? flagCompressed : 0;
  out.writeUInt32BE(payload.byteLength, 1);
  out.set(payload, envelopeHeaderLength);
  return out;
}

export interface Envelope {
  readonly flags: number;
  readonly data: Buffer;
}

/**
 * Incremental envelope parser: feed it DATA frame chunks as they arrive, get whole messages out.
 * Refuses a declared length over `maxBytes` before buffering it, so a peer cannot make us allocate
 * a huge message; gRPC answers that with RESOURCE_EXHAUSTED.
 */
export class EnvelopeParser {
  private pending: Buffer | undefined;

  constructor(private readonly maxBytes: number) {}

  /** Returns the complete envelopes in `chunk` (plus what was pending); throws RpcError on an oversized one. */
  push(chunk: Buffer, out: Envelope[]): void {
    let buf = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = undefined;
    let offset = 0;
    while (buf.length - offset >= envelopeHeaderLength) {
      const flags = buf[offset];
      const len = buf.readUInt32BE(offset + 1);
      if (len > this.maxBytes) {
        throw new RpcError(
          Code.ResourceExhausted,
          `message of ${len} bytes exceeds the receive limit of ${this.maxBytes} bytes`,
        );
      }
      if (flags & ~flagCompressed) {
        throw new RpcError(Code.Internal, `malformed frame: unknown flags 0x${flags.toString(16)}`);
      }
      const end = offset + envelopeHeaderLength + len;
      if (end > buf.length) break;
      out.push({ flags, data: buf.subarray(offset + envelopeHeaderLength, end) });
      offset = end;
    }
    if (offset < buf.length) {
      buf = buf.subarray(offset);
      // Copy the tail so we do not pin the whole chunk while waiting for the rest.
      this.pending = buf.length < 4096 ? Buffer.from(buf) : buf;
    }
  }

  /** Bytes of an incomplete envelope still waiting for more data (non-zero at end of stream = truncated). */
  get pendingBytes(): number {
    return this.pending?.length ?? 0;
  }
}
