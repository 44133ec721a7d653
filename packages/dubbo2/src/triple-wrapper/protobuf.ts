// The two messages of Dubbo's triple_wrapper.proto, encoded by hand (three fields each, all of wire
// type 2), so this package needs no protobuf runtime:
//
//   message TripleRequestWrapper  { string serializeType = 1; repeated bytes args = 2; repeated string argTypes = 3; }
//   message TripleResponseWrapper { string serializeType = 1; bytes data = 2; string type = 3; }

export interface TripleRequestWrapper {
  serializeType: string;
  args: Uint8Array[];
  argTypes: string[];
}

export interface TripleResponseWrapper {
  serializeType: string;
  data: Uint8Array;
  type: string;
}

export class WrapperDecodeError extends Error {
  override readonly name = "WrapperDecodeError";
}

const LEN = 2;

class Writer {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  field(fieldNumber: number, value: Uint8Array | string): void {
    const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
    const head = varint((fieldNumber << 3) | LEN, bytes.length);
    this.parts.push(head, bytes);
    this.length += head.length + bytes.length;
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts, this.length);
  }
}

/** The tag and length prefix of one field. */
function varint(tag: number, length: number): Uint8Array {
  const out: number[] = [];
  for (const n of [tag, length]) {
    let v = n;
    while (v > 0x7f) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  }
  return Uint8Array.from(out);
}

export function encodeRequestWrapper(message: TripleRequestWrapper): Uint8Array {
  const w = new Writer();
  w.field(1, message.serializeType);
  for (const arg of message.args) w.field(2, arg);
  for (const type of message.argTypes) w.field(3, type);
  return w.finish();
}

export function encodeResponseWrapper(message: TripleResponseWrapper): Uint8Array {
  const w = new Writer();
  w.field(1, message.serializeType);
  if (message.data.length > 0) w.field(2, message.data);
  if (message.type.length > 0) w.field(3, message.type);
  return w.finish();
}

export function decodeRequestWrapper(bytes: Uint8Array): TripleRequestWrapper {
  const out: TripleRequestWrapper = { serializeType: "", args: [], argTypes: [] };
  readFields(bytes, (field, value) => {
    if (field === 1) out.serializeType = text(value);
    else if (field === 2) out.args.push(value);
    else if (field === 3) out.argTypes.push(text(value));
  });
  return out;
}

export function decodeResponseWrapper(bytes: Uint8Array): TripleResponseWrapper {
  const out: TripleResponseWrapper = { serializeType: "", data: new Uint8Array(0), type: "" };
  readFields(bytes, (field, value) => {
    if (field === 1) out.serializeType = text(value);
    else if (field === 2) out.data = value;
    else if (field === 3) out.type = text(value);
  });
  return out;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function text(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new WrapperDecodeError("a string field of the wrapper is not valid UTF-8");
  }
}

/** Calls `onField` for every length-delimited field; skips the other wire types (unknown fields). */
function readFields(bytes: Uint8Array, onField: (field: number, value: Uint8Array) => void): void {
  let pos = 0;
  const readVarint = (): number => {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= bytes.length) throw new WrapperDecodeError(`truncated varint at ${pos}`);
      const b = bytes[pos++];
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new WrapperDecodeError(`varint longer than 10 bytes at ${pos}`);
  };
  while (pos < bytes.length) {
    const tag = readVarint();
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (field === 0) throw new WrapperDecodeError(`field number 0 at ${pos}`);
    switch (wireType) {
      case 0:
        readVarint();
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case LEN: {
        const length = readVarint();
        if (length > bytes.length - pos) throw new WrapperDecodeError(`field ${field} runs past the end`);
        onField(field, bytes.subarray(pos, pos + length));
        pos += length;
        break;
      }
      default:
        throw new WrapperDecodeError(`unsupported wire type ${wireType} at ${pos}`);
    }
    if (pos > bytes.length) throw new WrapperDecodeError("truncated field");
  }
}
