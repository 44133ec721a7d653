// Just enough gRPC framing and greet.v1 protobuf for the probes: both messages are
// `string field 1`, so one encoder/decoder serves GreetRequest and GreetResponse.

/** Length-prefixed message: 1 byte compressed flag, 4 bytes big-endian length, payload. */
export function frame(payload) {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(payload.length, 1);
  return Buffer.concat([header, payload]);
}

export function unframe(body) {
  const messages = [];
  for (let at = 0; at + 5 <= body.length; ) {
    const length = body.readUInt32BE(at + 1);
    messages.push(body.subarray(at + 5, at + 5 + length));
    at += 5 + length;
  }
  return messages;
}

export function encodeString1(text) {
  const bytes = Buffer.from(text, "utf8");
  const length = [];
  let n = bytes.length;
  do {
    length.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Buffer.concat([Buffer.from([0x0a, ...length]), bytes]);
}

export function decodeString1(message) {
  if (message.length === 0 || message[0] !== 0x0a) return "";
  let length = 0;
  let shift = 0;
  let at = 1;
  for (;;) {
    const byte = message[at++];
    length |= (byte & 0x7f) << shift;
    shift += 7;
    if ((byte & 0x80) === 0) break;
  }
  return message.subarray(at, at + length).toString("utf8");
}
