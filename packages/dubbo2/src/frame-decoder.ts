// Splits a connection's byte stream into Dubbo2 frames. Many requests are in flight on one connection,
// so frames arrive back to back, split anywhere by TCP; this keeps partial input until a frame is whole.
//
// A frame whose body is longer than `maxPayload` is not buffered: the decoder reports its header (so the
// server can answer BAD_REQUEST and the client can fail that call) and then discards the body bytes as
// they arrive. Only input that makes the rest of the stream unreadable (bad magic, negative length)
// throws, and the connection is closed then: there is no way to find the next frame reliably.

import { Dubbo2ProtocolError } from "./errors.js";
import { type FrameHeader, HEADER_LENGTH, MAGIC_HIGH, MAGIC_LOW, readRequestId } from "./header.js";

/** Dubbo's default payload limit (remoting Constants.DEFAULT_PAYLOAD), 8 MiB. */
export const DEFAULT_MAX_PAYLOAD = 8 * 1024 * 1024;

export interface FrameSink {
  /** A whole frame. `body` is a view into the input: decode it before returning, or copy it. */
  frame(header: FrameHeader, body: Buffer): void;
  /** A frame whose body exceeds the limit; its body is being skipped. */
  oversize(header: FrameHeader, maxPayload: number): void;
}

export class FrameDecoder {
  private readonly maxPayload: number;
  /** Input kept until `needed` bytes are there. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  private needed = HEADER_LENGTH;
  /** Body bytes of an oversize frame still to discard. */
  private skipping = 0;
  private stopped = false;
  /** Offset in the stream of the byte being looked at (for error messages). */
  private streamOffset = 0;

  constructor(
    private readonly sink: FrameSink,
    maxPayload = DEFAULT_MAX_PAYLOAD,
  ) {
    this.maxPayload = maxPayload;
  }

  /** Stops delivering frames (the connection is going away), also from inside a sink callback. */
  stop(): void {
    this.stopped = true;
    this.parts = [];
    this.partsLength = 0;
  }

  /** Bytes received but not delivered yet (a partial frame). */
  get pending(): number {
    return this.partsLength;
  }

  /** Feeds bytes; throws Dubbo2ProtocolError when the stream cannot be read further. */
  push(chunk: Buffer): void {
    if (this.stopped || chunk.length === 0) return;
    if (this.skipping > 0) {
      const n = Math.min(this.skipping, chunk.length);
      this.skipping -= n;
      this.streamOffset += n;
      if (n === chunk.length) return;
      chunk = chunk.subarray(n);
    }
    let buf: Buffer;
    if (this.partsLength === 0) {
      buf = chunk;
    } else {
      this.parts.push(chunk);
      this.partsLength += chunk.length;
      // Concatenate once when the awaited frame is complete, not on every chunk of a large body.
      if (this.partsLength < this.needed) return;
      buf = this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.partsLength);
      this.parts = [];
      this.partsLength = 0;
    }
    this.parse(buf);
  }

  private parse(buf: Buffer): void {
    let offset = 0;
    const end = buf.length;
    while (!this.stopped) {
      const left = end - offset;
      if (left < HEADER_LENGTH) {
        if (left > 0 && buf[offset] !== MAGIC_HIGH) throw this.badMagic(buf, offset);
        if (left > 1 && buf[offset + 1] !== MAGIC_LOW) throw this.badMagic(buf, offset);
        this.keep(buf, offset, HEADER_LENGTH);
        return;
      }
      if (buf[offset] !== MAGIC_HIGH || buf[offset + 1] !== MAGIC_LOW) throw this.badMagic(buf, offset);
      const bodyLength = buf.readInt32BE(offset + 12);
      if (bodyLength < 0) {
        throw new Dubbo2ProtocolError(
          `dubbo2: negative body length ${bodyLength} in the frame at stream offset ${this.streamOffset}`,
        );
      }
      const header: FrameHeader = {
        flag: buf[offset + 2],
        status: buf[offset + 3],
        id: readRequestId(buf, offset + 4),
        bodyLength,
      };
      if (bodyLength > this.maxPayload) {
        offset += HEADER_LENGTH;
        this.streamOffset += HEADER_LENGTH;
        const n = Math.min(bodyLength, end - offset);
        offset += n;
        this.streamOffset += n;
        this.skipping = bodyLength - n;
        this.sink.oversize(header, this.maxPayload);
        if (this.skipping > 0) return; // the rest of this chunk was body
        continue;
      }
      const total = HEADER_LENGTH + bodyLength;
      if (left < total) {
        this.keep(buf, offset, total);
        return;
      }
      const body = buf.subarray(offset + HEADER_LENGTH, offset + total);
      offset += total;
      this.streamOffset += total;
      this.sink.frame(header, body);
    }
  }

  private keep(buf: Buffer, offset: number, needed: number): void {
    if (offset < buf.length) {
      // A copy: a view would pin the whole (possibly large) chunk until the frame completes.
      this.parts = [Buffer.from(buf.subarray(offset))];
      this.partsLength = buf.length - offset;
    }
    this.needed = needed;
  }

  private badMagic(buf: Buffer, offset: number): Dubbo2ProtocolError {
    const got = buf.subarray(offset, offset + 2).toString("hex");
    // Dubbo Java hands such input to its telnet/QoS codec; we speak only the binary protocol.
    return new Dubbo2ProtocolError(
      `dubbo2: expected magic 0xdabb at stream offset ${this.streamOffset}, got 0x${got}`,
    );
  }
}
