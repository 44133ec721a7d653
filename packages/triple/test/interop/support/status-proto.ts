// google.rpc.Status and google.rpc.ErrorInfo written and read by hand (protobuf wire format), so the
// `grpc-status-details-bin` bytes our peers see or send are not produced by our own codec.
//
//   Status    { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
//   Any       { string type_url = 1; bytes value = 2; }
//   ErrorInfo { string reason = 1; string domain = 2; map<string,string> metadata = 3; }

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function lenField(field: number, bytes: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export function errorInfo(reason: string, domain: string): Uint8Array {
  return new Uint8Array([...lenField(1, utf8(reason)), ...lenField(2, utf8(domain))]);
}

export interface StatusProto {
  code: number;
  message: string;
  details: { typeUrl: string; value: Uint8Array }[];
}

export function encodeStatus(s: StatusProto): Buffer {
  const bytes: number[] = [...varint(1 << 3), ...varint(s.code), ...lenField(2, utf8(s.message))];
  for (const d of s.details) {
    const any = new Uint8Array([...lenField(1, utf8(d.typeUrl)), ...lenField(2, d.value)]);
    bytes.push(...lenField(3, any));
  }
  return Buffer.from(bytes);
}

/** Iterates the (field number, value) pairs of a message that holds only varint and length-delimited fields. */
function* fields(buf: Uint8Array): Generator<[number, number | Uint8Array]> {
  let i = 0;
  const readVarint = () => {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = buf[i++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  };
  while (i < buf.length) {
    const tag = readVarint();
    const wire = tag & 7;
    if (wire === 0) yield [tag >>> 3, readVarint()];
    else if (wire === 2) {
      const len = readVarint();
      yield [tag >>> 3, buf.subarray(i, i + len)];
      i += len;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
}

const text = (v: number | Uint8Array) => (typeof v === "number" ? "" : new TextDecoder().decode(v));

export function decodeStatus(buf: Uint8Array): StatusProto {
  const s: StatusProto = { code: 0, message: "", details: [] };
  for (const [f, v] of fields(buf)) {
    if (f === 1 && typeof v === "number") s.code = v;
    else if (f === 2) s.message = text(v);
    else if (f === 3 && typeof v !== "number") {
      let typeUrl = "";
      let value = new Uint8Array();
      for (const [af, av] of fields(v)) {
        if (af === 1) typeUrl = text(av);
        else if (af === 2 && typeof av !== "number") value = new Uint8Array(av);
      }
      s.details.push({ typeUrl, value });
    }
  }
  return s;
}

/** greet.v1.GreetRequest / GreetResponse: one string field, number 1. */
export function encodeGreet(text: string): Buffer {
  return Buffer.from(lenField(1, utf8(text)));
}

export function decodeGreet(buf: Uint8Array): string {
  for (const [f, v] of fields(buf)) if (f === 1) return text(v);
  return "";
}
