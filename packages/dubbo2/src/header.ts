// The 16-byte Dubbo2 header (ExchangeCodec in Dubbo Java):
//
//   0-1  magic 0xdabb
//   2    flag: 0x80 request, 0x40 two-way (a response is expected), 0x20 event (heartbeat, readonly),
//        low 5 bits the serialization id (2 = hessian2)
//   3    status (responses only; see status.ts)
//   4-11 request id, big-endian int64; a response carries the id of its request
//   12-15 body length, big-endian int32

export const HEADER_LENGTH = 16;
export const MAGIC = 0xdabb;
export const MAGIC_HIGH = 0xda;
export const MAGIC_LOW = 0xbb;

export const FLAG_REQUEST = 0x80;
export const FLAG_TWOWAY = 0x40;
export const FLAG_EVENT = 0x20;
export const SERIALIZATION_MASK = 0x1f;

/** Dubbo's serialization ids (dubbo-serialization-api Constants); we speak hessian2 only. */
export const SERIALIZATION_HESSIAN2 = 2;

/**
 * A request id. Ids we generate are numbers; ids read off the wire stay numbers while they are safe
 * integers and become bigints beyond that, so a server echoes any peer's id exactly.
 */
export type RequestId = number | bigint;

export interface FrameHeader {
  readonly flag: number;
  readonly status: number;
  readonly id: RequestId;
  readonly bodyLength: number;
}

export const isRequest = (flag: number): boolean => (flag & FLAG_REQUEST) !== 0;
export const isTwoWay = (flag: number): boolean => (flag & FLAG_TWOWAY) !== 0;
export const isEvent = (flag: number): boolean => (flag & FLAG_EVENT) !== 0;
export const serializationOf = (flag: number): number => flag & SERIALIZATION_MASK;

const TWO_POW_32 = 2 ** 32;

export function readRequestId(buf: Uint8Array, offset: number): RequestId {
  const view = buf as Buffer;
  const high = view.readUInt32BE(offset);
  const low = view.readUInt32BE(offset + 4);
  // Up to 2^53 - 1 (high < 2^21) a number holds the id exactly; the common case by far.
  if (high < 0x200000) return high * TWO_POW_32 + low;
  return view.readBigInt64BE(offset);
}

function writeRequestId(buf: Buffer, offset: number, id: RequestId): void {
  if (typeof id === "bigint") {
    buf.writeBigInt64BE(BigInt.asIntN(64, id), offset);
  } else {
    buf.writeUInt32BE(Math.floor(id / TWO_POW_32) >>> 0, offset);
    buf.writeUInt32BE(id >>> 0, offset + 4);
  }
}

/** A fresh 16-byte header. */
export function encodeHeader(flag: number, status: number, id: RequestId, bodyLength: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_LENGTH);
  buf[0] = MAGIC_HIGH;
  buf[1] = MAGIC_LOW;
  buf[2] = flag;
  buf[3] = status;
  writeRequestId(buf, 4, id);
  buf.writeInt32BE(bodyLength, 12);
  return buf;
}

/** True when `bytes` starts like a Dubbo2 frame (for protocol detection on a shared port). */
export function looksLikeDubbo2(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === MAGIC_HIGH && bytes[1] === MAGIC_LOW;
}
