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
  /** Chunks of an incomplete envelope, joined only once the whole envelope is there (made on first use). */
  private pending: Buffer[] | undefined;
  private pendingLength = 0;
  /** Size of the envelope being collected (header + message), once its header has arrived. */
  private needed = 0;

  constructor(private readonly maxBytes: number) {}

  /** Appends the complete envelopes in `chunk` (plus what was pending) to `out`; throws RpcError on a bad one. */
  push(chunk: Buffer, out: Envelope[]): void {
    if (this.pendingLength > 0) {
      // Collecting a split envelope: join once, when it is complete, not on every chunk (a large
      // message arriving in 16 KiB DATA frames would otherwise be copied over and over).
      const pending = this.pending as Buffer[];
      pending.push(chunk);
      this.pendingLength += chunk.length;
      if (this.needed === 0) {
        if (this.pendingLength < envelopeHeaderLength) return;
        const head = Buffer.concat(pending, this.pendingLength);
        this.pending = [head];
        this.needed = envelopeHeaderLength + this.declaredLength(head, 0);
      }
      if (this.pendingLength < this.needed) return;
      chunk = Buffer.concat(this.pending as Buffer[], this.pendingLength);
      this.pending = undefined;
      this.pendingLength = 0;
      this.needed = 0;
    }
    let offset = 0;
    while (chunk.length - offset >= envelopeHeaderLength) {
      const len = this.declaredLength(chunk, offset);
      const end = offset + envelopeHeaderLength + len;
      if (end > chunk.length) {
        this.needed = envelopeHeaderLength + len;
        break;
      }
      out.push({ flags: chunk[offset], data: chunk.subarray(offset + envelopeHeaderLength, end) });
      offset = end;
    }
    if (offset < chunk.length) {
      const rest = chunk.subarray(offset);
      // Copy a small tail so we do not pin the whole chunk while waiting for the rest.
      this.pending = [rest.length < 4096 ? Buffer.from(rest) : rest];
      this.pendingLength = rest.length;
    }
  }

  /** Reads and checks an envelope header: the length must fit the limit, the flags must be known. */
  private declaredLength(buf: Buffer, offset: number): number {
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
    return len;
  }

  /** Bytes of an incomplete envelope still waiting for more data (non-zero at end of stream = truncated). */
  get pendingBytes(): number {
    return this.pendingLength;
  }
}
